using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Models;

namespace IlgpuSiamese.Tests.Training;

/// <summary>The training loop on a small synthetic set: it learns, repeats itself, resumes exactly, and stops on NaN.</summary>
[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class TrainerTests(string deviceId) : BackendFixture(deviceId)
{
    private static readonly TrainingConfig Tiny = new()
    {
        Preset = TowerSpec.FlatPreset, Filters = 4, Embedding = 8, Epochs = 2, BatchSize = 16, LearningRate = 3e-3, Seed = 11,
    };

    private sealed class Observer(Action<int, int>? onStep = null) : ITrainingObserver
    {
        public List<EpochRecord> Records { get; } = [];
        public void Info(string message) { }
        public void StepDone(int epoch, int batchesDone, int batchesInEpoch, double pairsPerSecond) => onStep?.Invoke(epoch, batchesDone);
        public void Evaluated(EpochRecord record) => Records.Add(record);
    }

    private (IReadOnlyList<EpochRecord> History, float[] Weights, TrainingOutcome Outcome) Train(
        TrainingConfig config, string outDir, CancellationTokenSource? cancel = null, Action<int, int>? onStep = null, bool resume = false)
    {
        var saved = resume ? ModelFile.Load(Path.Combine(outDir, Trainer.ModelFileName)) : null;
        using var trainer = new Trainer(Device, config, SyntheticDigits.Create(), outDir, new Observer(onStep), saved);
        var outcome = trainer.Run(cancel?.Token ?? CancellationToken.None);
        var p = trainer.Network.Parameters;
        return (trainer.History, p.Download(p.Values), outcome);
    }

    private static object[] Figures(EpochRecord r) => [r.Epoch, r.Step, r.TrainLoss, r.TrainAccuracy, r.ValLoss, r.ValAccuracy, r.ValAuc, r.Threshold];

    [TestCase(LossKind.Contrastive)]
    [TestCase(LossKind.Bce)]
    [TestCase(LossKind.Triplet)]
    public void LearnsAndRepeatsBitForBit(LossKind loss)
    {
        using var folder = new TempFolder();
        var config = Tiny with { Loss = loss, Margin = loss == LossKind.Triplet ? 0.5f : 1f, Epochs = 3 };
        var first = Train(config, folder["a"]);
        var second = Train(config, folder["b"]);
        Assert.That(first.History.Select(Figures), Is.EqualTo(second.History.Select(Figures)), "same seed, same device: same history");
        Assert.That(first.Weights, Is.EqualTo(second.Weights).AsCollection, "and the same weights");
        Assert.That(first.History[^1].ValAccuracy, Is.GreaterThan(0.8), "the synthetic classes are learnable");
        var fit = ValidationSplit.Of(SyntheticDigits.Create().Train).Fit.Count;
        var perEpoch = loss == LossKind.Triplet ? fit : 2 * fit;
        Assert.That(first.History[0].Step, Is.EqualTo((perEpoch + config.BatchSize - 1) / config.BatchSize),
            "an epoch covers every pair (a positive and a negative per image) or every triplet once");
        Assert.That(File.Exists(Path.Combine(folder["a"], Trainer.ModelFileName)), "a model is saved");
    }

    /// <summary>
    /// Mined training on balanced batches of 4 classes x 4 images: it learns, repeats bit for bit, and records the fraction
    /// of mined examples that had a loss (above 0 from random weights, then falling) in the history and its CSV column; unmined runs leave it empty.
    /// </summary>
    [TestCase(LossKind.Triplet, Mining.BatchHard)]
    [TestCase(LossKind.Contrastive, Mining.BatchHard)]
    public void MinedTrainingLearnsRepeatsAndRecordsTheActiveFraction(LossKind loss, Mining mining)
    {
        using var folder = new TempFolder();
        var config = Tiny with { Loss = loss, Mining = mining, ClassesPerBatch = 4, ImagesPerClass = 4, Margin = 0.5f, Epochs = 3, MiningWarmup = 5 };
        var first = Train(config, folder["a"]);
        var second = Train(config, folder["b"]);
        Assert.That(first.History.Select(Figures), Is.EqualTo(second.History.Select(Figures)), "same seed, same device: same history");
        Assert.That(first.Weights, Is.EqualTo(second.Weights).AsCollection, "and the same weights");
        Assert.That(first.History[^1].ValAccuracy, Is.GreaterThan(0.8), "the synthetic classes are learnable");
        var fit = ValidationSplit.Of(SyntheticDigits.Create().Train).Fit.Count;
        Assert.That(first.History[0].Step, Is.EqualTo(fit / 16), "an epoch is about one pass over the images in whole batches of 16");
        var fractions = first.History.Select(r => r.ActiveFraction).ToList();
        Assert.That(fractions, Is.All.Not.Null.And.InRange(0.0, 1.0), "a fraction of the mined examples");
        Assert.That(fractions[0], Is.GreaterThan(0), "from random weights, some mined examples have a loss");
        Assert.That(fractions[^1], Is.LessThan(fractions[0]), "and fewer once the classes separate");
        HistoryCsv.Write(folder["history.csv"], first.History);
        var csv = File.ReadAllLines(folder["history.csv"]);
        Assert.That(csv[0], Does.EndWith(",active_fraction"));
        Assert.That(csv[1..].Select(line => double.Parse(line.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture)),
            Is.EqualTo(first.History.Select(r => r.ActiveFraction!.Value)).AsCollection, "the CSV's last column is the active fraction");
    }

    [Test]
    public void UnminedTrainingLeavesTheActiveFractionEmpty()
    {
        using var folder = new TempFolder();
        var history = Train(Tiny with { Epochs = 1 }, folder["a"]).History;
        Assert.That(history.Select(r => r.ActiveFraction), Is.All.Null);
        HistoryCsv.Write(folder["history.csv"], history);
        Assert.That(File.ReadAllLines(folder["history.csv"])[1], Does.EndWith(","), "an empty last column");
    }

    [Test]
    public void ResumeAfterAnInterruptionContinuesExactly()
    {
        using var folder = new TempFolder();
        var straight = Train(Tiny, folder["straight"]);
        using var cancel = new CancellationTokenSource();
        var interrupted = Train(Tiny, folder["resumed"], cancel, onStep: (epoch, batch) =>
        {
            if (epoch == 0 && batch == 5)
                cancel.Cancel();
        });
        Assert.That(interrupted.Outcome, Is.EqualTo(TrainingOutcome.Interrupted));
        var header = ModelFile.Load(Path.Combine(folder["resumed"], Trainer.ModelFileName)).Header;
        Assert.That((header.Progress.EpochsDone, header.Progress.BatchesDoneInEpoch, header.Progress.Step), Is.EqualTo((0, 5, 5)),
            "the checkpoint holds the step it stopped after");
        var resumed = Train(Tiny, folder["resumed"], resume: true);
        Assert.That(resumed.Outcome, Is.EqualTo(TrainingOutcome.Completed));
        Assert.That(resumed.Weights, Is.EqualTo(straight.Weights).AsCollection, "resumed weights equal an uninterrupted run's, bit for bit");
        Assert.That(resumed.History.Select(Figures), Is.EqualTo(straight.History.Select(Figures)), "and so does the history");
    }

    [Test]
    public void AugmentedTrainingRepeatsBitForBitResumesExactlyAndDiffersFromPlain()
    {
        using var folder = new TempFolder();
        var augmented = Tiny with { Augment = true };
        var first = Train(augmented, folder["a"]);
        var second = Train(augmented, folder["b"]);
        Assert.That(second.Weights, Is.EqualTo(first.Weights).AsCollection, "same seed, same device: the same augmented run");
        Assert.That(second.History.Select(Figures), Is.EqualTo(first.History.Select(Figures)), "and the same history");
        Assert.That(first.History[^1].ValAccuracy, Is.GreaterThan(0.8), "augmented, the synthetic classes are still learnable");
        Assert.That(Train(Tiny, folder["plain"]).Weights, Is.Not.EqualTo(first.Weights).AsCollection, "augmentation changes what is learnt");
        using var cancel = new CancellationTokenSource();
        Train(augmented, folder["resumed"], cancel, onStep: (epoch, batch) =>
        {
            if (epoch == 1 && batch == 3)
                cancel.Cancel();
        });
        Assert.That(ModelFile.Load(Path.Combine(folder["resumed"], Trainer.ModelFileName)).Header.Training.Augment, Is.True, "the checkpoint records it");
        var resumed = Train(augmented, folder["resumed"], resume: true);
        Assert.That(resumed.Weights, Is.EqualTo(first.Weights).AsCollection, "resumed in the second epoch: the same draws, the same weights");
    }

    [Test]
    public void NonFiniteLossStopsAndKeepsTheLastGoodCheckpoint()
    {
        using var folder = new TempFolder();
        Train(Tiny with { Epochs = 1 }, folder.Path);
        var modelPath = Path.Combine(folder.Path, Trainer.ModelFileName);
        var good = File.ReadAllBytes(modelPath);
        var saved = ModelFile.Load(modelPath);
        // A weight gone to infinity, as a diverging run would leave it: the next step's loss is not finite.
        saved.Weights[0] = float.PositiveInfinity;
        using var trainer = new Trainer(Device, Tiny with { Epochs = 3 }, SyntheticDigits.Create(), folder.Path, new Observer(), saved);
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Run(CancellationToken.None));
        Assert.That(error!.Message, Does.Contain("NaN").Or.Contain("Infinity").Or.Contain("∞"));
        Assert.That(error.Message, Does.Contain(modelPath), "the message names the kept checkpoint");
        Assert.That(File.ReadAllBytes(modelPath), Is.EqualTo(good), "the last good checkpoint is untouched");
    }
}
