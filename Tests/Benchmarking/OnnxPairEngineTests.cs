using IlgpuSiamese.Benchmarks.EndToEnd;
using IlgpuSiamese.Measuring;

namespace IlgpuSiamese.Tests.Benchmarking;

/// <summary>The e2e benchmark's ONNX Runtime peer: it loads the exported tower and scores whole batches; it does not train.</summary>
public sealed class OnnxPairEngineTests
{
    [TestCase("keras")]
    [TestCase("flat")]
    public void ItScoresBatchesOfTestPairsAndDoesNotTrain(string tower)
    {
        var data = BenchmarkData.CreateSynthetic(seed: 3, imagesPerClass: 30);
        using var engine = new OnnxPairEngine(tower, data, threads: 2, inferenceBatch: 16);

        engine.Infer(2);

        var (distances, similarities) = engine.LastOutputs;
        Assert.That(engine.Trains, Is.False);
        Assert.That(distances, Has.All.GreaterThan(0f));
        Assert.That(similarities, Has.All.InRange(0f, 1f));
        Assert.That(similarities.Distinct().Count(), Is.GreaterThan(1));
        Assert.Throws<NotSupportedException>(() => engine.Train(1));
    }
}
