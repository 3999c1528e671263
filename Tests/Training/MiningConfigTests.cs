using IlgpuSiamese.Network;
using IlgpuSiamese.Training;

namespace IlgpuSiamese.Tests.Training;

/// <summary>Which --mining goes with which --loss, and the balanced batch's size limits.</summary>
public class MiningConfigTests
{
    [TestCase(LossKind.Triplet, Mining.BatchHard)]
    [TestCase(LossKind.Triplet, Mining.SemiHard)]
    [TestCase(LossKind.Triplet, Mining.BatchAll)]
    [TestCase(LossKind.Contrastive, Mining.BatchHard)]
    [TestCase(LossKind.Bce, Mining.None)]
    [TestCase(LossKind.Contrastive, Mining.None)]
    [TestCase(LossKind.Triplet, Mining.None)]
    public void AcceptsTheMiningsALossCanTake(LossKind loss, Mining mining)
    {
        var config = new TrainingConfig { Loss = loss, Mining = mining };
        Assert.DoesNotThrow(config.Validate);
        Assert.That(config.ExamplesPerStep, Is.EqualTo(mining == Mining.None ? config.BatchSize : 10 * 8), "a mined step is P x K images");
    }

    [TestCase(LossKind.Bce, Mining.BatchHard, "--mining batch-hard does not go with --loss bce")]
    [TestCase(LossKind.Bce, Mining.SemiHard, "--mining semi-hard does not go with --loss bce")]
    [TestCase(LossKind.Bce, Mining.BatchAll, "--mining batch-all does not go with --loss bce")]
    [TestCase(LossKind.Contrastive, Mining.SemiHard, "--mining semi-hard does not go with --loss contrastive")]
    [TestCase(LossKind.Contrastive, Mining.BatchAll, "--mining batch-all does not go with --loss contrastive")]
    public void RefusesAMiningTheLossCannotTakeNamingBoth(LossKind loss, Mining mining, string message)
    {
        var error = Assert.Throws<UsageException>(new TrainingConfig { Loss = loss, Mining = mining }.Validate)!;
        Assert.That(error.Message, Does.Contain(message));
    }

    [TestCase(1, 16, "--classes-per-batch must be between 2 and 2048")]
    [TestCase(8, 1, "--images-per-class must be between 2 and 2048")]
    [TestCase(64, 128, "--classes-per-batch x --images-per-class must be at most 4096; got 8192")]
    public void RefusesABalancedBatchOutOfRange(int classes, int images, string message)
    {
        var config = new TrainingConfig { Loss = LossKind.Triplet, Mining = Mining.BatchHard, ClassesPerBatch = classes, ImagesPerClass = images };
        var error = Assert.Throws<UsageException>(config.Validate)!;
        Assert.That(error.Message, Does.Contain(message));
    }
}
