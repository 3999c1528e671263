using IlgpuSiamese.Cli;
using IlgpuSiamese.Kernels;
using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Models;

namespace IlgpuSiamese.Tests.Network;

/// <summary>The largest array a pass indexes, computed from the spec, and the int32 guard in training and loading.</summary>
public class IndexLimitsTests
{
    [Test]
    public void TwinsRunAsTwoImagesPerPairAndTripletsAsThree()
    {
        Assert.That(IndexLimits.ImagesPerPass(LossKind.Contrastive, 256), Is.EqualTo(512));
        Assert.That(IndexLimits.ImagesPerPass(LossKind.Bce, 256), Is.EqualTo(512));
        Assert.That(IndexLimits.ImagesPerPass(LossKind.Triplet, 256), Is.EqualTo(768));
    }

    [Test]
    public void TheFlatTowersLargestArrayIsItsSecondConvsIm2col()
    {
        // conv 3x3 over 32 channels of 14x14: (32·3·3) x (512·14·14)
        var largest = IndexLimits.Largest(TowerSpec.Flat(), 512);
        Assert.That(largest.Length, Is.EqualTo(32L * 9 * 512 * 14 * 14));
        Assert.That(largest.What, Does.Contain("im2col").And.Contain("layer 3"));
        Assert.That(largest.FitsInt32, Is.True);
    }

    [Test]
    public void TheParametersCountWhenTheyAreLargest()
    {
        var tower = new TowerSpec("test", new TensorShape(1, 28, 28), [new DenseSpec(4096, Relu: false)]);
        Assert.That(IndexLimits.Largest(tower, 2).Length, Is.EqualTo(784L * 4096 + 4096), "the parameters: weights and biases");
        Assert.That(IndexLimits.Largest(tower, 2).What, Does.Contain("parameters"));
    }

    [Test]
    public void TrainingRefusesAConfigurationWhoseArraysOverflowInt32()
    {
        Assert.That(() => new TrainingConfig { Filters = 1024, BatchSize = 4096 }.Validate(),
            Throws.TypeOf<UsageException>().With.Message.Contains("more than a kernel can index").And.Message.Contains("--filters").And.Message.Contains("--batch-size"));
        Assert.That(() => new TrainingConfig { Filters = 1024, BatchSize = 64 }.Validate(), Throws.Nothing);
    }

    [Test]
    public void TheTripletLossesThirdBranchCanTipItOver()
    {
        // conv 2's im2col: (256·9) x (images·14·14): 4,096 images fit in int32, 6,144 do not.
        Assert.That(() => new TrainingConfig { Filters = 256, BatchSize = 2048 }.Validate(), Throws.Nothing);
        Assert.That(() => new TrainingConfig { Filters = 256, BatchSize = 2048, Loss = LossKind.Triplet }.Validate(), Throws.TypeOf<UsageException>());
    }

    [Test]
    public void TheCliRefusesItAsAUsageError()
    {
        using var folder = new TempFolder();
        var result = CliRunner.Run("train", "--filters", "1024", "--batch-size", "4096", "--out", folder["run"]);
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.Error, Does.Contain("lower --filters, --embedding or --batch-size"));
    }

    [Test]
    public void LoadingAModelTooLargeToIndexIsRefusedBeforeAllocating()
    {
        using var folder = new TempFolder();
        var huge = new TrainingConfig { Preset = TowerSpec.KerasPreset }.Network();
        var path = TestModels.Write(folder["huge.siamese"], huge with { Tower = huge.Tower with { Input = new TensorShape(1, 4096, 4096) } }, new float[10]);
        Assert.That(() => new LoadedModel(path, Backends.Open("cpu:0")),
            Throws.TypeOf<UserInputException>().With.Message.StartsWith(path).And.Message.Contains("more than a kernel can index"));
    }
}
