using BenchmarkDotNet.Attributes;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Measuring;

namespace IlgpuSiamese.Benchmarks.Kernels;

/// <summary>
/// The whole engine through the same code as <c>siamese bench</c> (<see cref="IlgpuPairEngine"/>):
/// one training step of 64 pairs exactly as the trainer runs it (gather, zero gradients, forward, backward,
/// Adam, per-pair losses read back), and one inference batch of 256 pairs through the evaluator.
/// MNIST when it is in the cache, else synthetic images. No baseline: the float64 references are per kernel.
/// </summary>
public class EngineBenchmarks
{
    private static readonly Lazy<BenchmarkData> Data = new(() => BenchmarkData.Load(null, seed: 42));

    private IlgpuPairEngine engine = null!;

    [ParamsSource(typeof(BenchmarkDeviceList), nameof(BenchmarkDeviceList.All))]
    public string Device { get; set; } = "cpu:0";

    [ParamsSource(nameof(Towers))]
    public string Tower { get; set; } = "";

    public static IEnumerable<string> Towers() => BenchmarkTowers.All;

    [GlobalSetup]
    public void Setup()
    {
        engine = new IlgpuPairEngine(ComputeDevice.Open(Device), Tower, Data.Value, seed: 42, ownsDevice: true);
        engine.Train(2);
        engine.Infer(1);
    }

    [GlobalCleanup]
    public void Cleanup() => engine.Dispose();

    /// <summary>One optimiser step on 64 pairs.</summary>
    [Benchmark]
    public void TrainStep() => engine.Train(1);

    /// <summary>One forward pass over 256 pairs, outputs read back.</summary>
    [Benchmark]
    public void Inference256() => engine.Infer(1);
}
