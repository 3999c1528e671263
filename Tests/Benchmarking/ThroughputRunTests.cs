using IlgpuSiamese.Measuring;
using IlgpuSiamese.Network;

namespace IlgpuSiamese.Tests.Benchmarking;

/// <summary>How a throughput run drives its engines; nothing here asserts on a duration.</summary>
public sealed class ThroughputRunTests
{
    private sealed class CountingEngine(string id, bool trains = true) : IPairEngine
    {
        public bool Trains => trains;
        public List<string> Calls { get; } = [];
        public int Steps { get; private set; }
        public int Batches { get; private set; }
        public string Id => id;
        public string Description => "counts calls";
        public string Tower => "flat";
        public int TrainBatch => 64;
        public int InferenceBatch => 256;

        public void Train(int steps)
        {
            Calls.Add($"train {steps}");
            Steps += steps;
        }

        public void Infer(int batches)
        {
            Calls.Add($"infer {batches}");
            Batches += batches;
        }

        public void Dispose()
        {
        }
    }

    [Test]
    public void EveryEngineIsWarmedUpThenSampledOncePerRepetition()
    {
        var engines = new[] { new CountingEngine("a"), new CountingEngine("b") };
        var results = ThroughputRun.Measure(engines, new ThroughputOptions(Repetitions: 3, WarmupSteps: 2, SecondsPerSample: 1e-6));
        Assert.That(results, Has.Count.EqualTo(2));
        foreach (var (engine, result) in engines.Zip(results))
        {
            Assert.That(result.Engine, Is.EqualTo(engine.Id));
            Assert.That(result.Training.Samples, Has.Count.EqualTo(3));
            Assert.That(result.Inference.Samples, Has.Count.EqualTo(3));
            Assert.That(result.Training.Samples, Has.All.GreaterThan(0));
            // Warm-up (2 steps, 1 batch), one step and one batch to size the samples, then 3 samples of each.
            Assert.That(engine.Calls.Take(4), Is.EqualTo(new[] { "train 2", "infer 1", "train 1", "infer 1" }));
            Assert.That(engine.Calls.Skip(4).Count(), Is.EqualTo(6));
            Assert.That(engine.Steps, Is.EqualTo(3 + 3 * result.Training.PerSample));
            Assert.That(engine.Batches, Is.EqualTo(2 + 3 * result.Inference.PerSample));
        }
    }

    [Test]
    public void AnInferenceOnlyEngineIsNeverAskedToTrainAndHasNoTrainingFigures()
    {
        var ours = new CountingEngine("ours");
        var peer = new CountingEngine("onnx", trains: false);

        var results = ThroughputRun.Measure([ours, peer], new ThroughputOptions(Repetitions: 2, WarmupSteps: 2, SecondsPerSample: 1e-6));

        Assert.That(peer.Calls, Has.None.StartsWith("train"));
        Assert.That(peer.Calls, Has.Count.EqualTo(4), "warm-up, sizing, two samples");
        Assert.That(results[1].Training.Measured, Is.False);
        Assert.That(results[1].Inference.Samples, Has.Count.EqualTo(2));
        Assert.That(results[0].Training.Samples, Has.Count.EqualTo(2));
        var ratio = ThroughputRatio.Of(results[0], results[1]);
        Assert.That((ratio.Training, ratio.Inference.HasValue), Is.EqualTo(((double?)null, true)));
    }

    [Test]
    public void BadOptionsAreRefused()
    {
        Assert.Throws<UserInputException>(() => new ThroughputOptions(Repetitions: 0).Validate());
        Assert.Throws<UserInputException>(() => new ThroughputOptions(WarmupSteps: -1).Validate());
        Assert.Throws<UserInputException>(() => new ThroughputOptions(SecondsPerSample: 0).Validate());
    }
}
