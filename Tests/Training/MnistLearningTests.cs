using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Tests.Training;

/// <summary>
/// End to end on real data: a small slice of MNIST (fetched and verified on first use) trained for a
/// few seconds on PoCL must already tell same from different digits on held-out test pairs.
/// </summary>
public class MnistLearningTests
{
    [Test]
    public void SmallMnistSubsetLearnsWithinSeconds()
    {
        var device = Backends.Open("opencl:0");
        var data = Datasets.Load("mnist", DataLocation.Resolve(null));
        var config = new TrainingConfig { Epochs = 1, TrainPairs = 6400, TestPairs = 1000, Seed = 5 };
        using var folder = new TempFolder();
        using var trainer = new Trainer(device, config, data, folder.Path, new NullObserver());
        trainer.Run(CancellationToken.None);
        var last = trainer.History[^1];
        Assert.That(last.ValAccuracy, Is.GreaterThan(0.85), $"test-pair accuracy after 6,400 pairs (AUC {last.ValAuc:0.000})");
        Assert.That(last.ValAuc, Is.GreaterThan(0.9));
    }

    private sealed class NullObserver : ITrainingObserver
    {
        public void Info(string message) { }
        public void StepDone(int epoch, int batchesDone, int batchesInEpoch, double pairsPerSecond) { }
        public void Evaluated(EpochRecord record) { }
    }
}
