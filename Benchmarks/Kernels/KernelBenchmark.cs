using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Measuring;

namespace IlgpuSiamese.Benchmarks.Kernels;

/// <summary>The two groups every kernel class has, each with its float64 reference as the baseline.</summary>
public static class Category
{
    public const string Forward = "Forward";
    public const string Backward = "Backward";
}

/// <summary>
/// The accelerators the benchmarks run on: every usable one (CPU accelerator first), or those that
/// <c>--device</c> named, passed on through <see cref="EnvironmentVariable"/> so that BenchmarkDotNet's
/// child processes (out of process) see the same list.
/// </summary>
public static class BenchmarkDeviceList
{
    public const string EnvironmentVariable = "SIAMESE_BENCH_DEVICES";

    private static readonly Lazy<IReadOnlyList<string>> Ids = new(() =>
        BenchmarkDevices.Resolve(Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } chosen ? chosen : BenchmarkDevices.All));

    public static IEnumerable<string> All() => Ids.Value;
}

/// <summary>
/// Base of the kernel benchmarks, in the style of ComputeSharp's BlasBenchmark: one device per
/// parameter value, every buffer allocated and filled once in <see cref="Setup"/>, every kernel method
/// synchronizes the device before it returns (launches are asynchronous on CUDA and OpenCL), and the plain
/// C# float64 reference of the same operation is the baseline of its group (Forward, Backward).
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public abstract class KernelBenchmark
{
    private readonly List<IDisposable> owned = [];
    private Random random = new(42);

    [ParamsSource(typeof(BenchmarkDeviceList), nameof(BenchmarkDeviceList.All))]
    public string Device { get; set; } = "cpu:0";

    protected ComputeDevice Accelerator { get; private set; } = null!;

    [GlobalSetup]
    public void Setup()
    {
        Accelerator = ComputeDevice.Open(Device);
        random = new Random(42);
        SetUp();
        // The first launch of each kernel compiles it: done here, never inside a measurement.
        WarmUp();
        Accelerator.Synchronize();
    }

    /// <summary>Allocates and fills the buffers of the case.</summary>
    protected abstract void SetUp();

    /// <summary>Runs every kernel method once.</summary>
    protected abstract void WarmUp();

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var item in owned)
            item.Dispose();
        owned.Clear();
        Accelerator.Dispose();
    }

    protected void Sync() => Accelerator.Synchronize();

    /// <summary>A device buffer of uniform draws in [min, max), and the same numbers in float64 for the reference.</summary>
    protected (ArrayView<float> View, double[] Host) Uniform(long length, double min = -1, double max = 1)
    {
        var values = new float[length];
        var host = new double[length];
        for (var i = 0; i < length; i++)
        {
            values[i] = (float)(min + (max - min) * random.NextDouble());
            host[i] = values[i];
        }
        var buffer = Accelerator.Allocate(length);
        owned.Add(buffer);
        buffer.CopyFromCPU(values);
        return (buffer.View, host);
    }

    /// <summary>A zeroed device buffer (outputs, gradients).</summary>
    protected ArrayView<float> Zeros(long length)
    {
        var buffer = Accelerator.Allocate(length);
        owned.Add(buffer);
        buffer.MemSetToZero();
        return buffer.View;
    }

    protected ArrayView<int> Ints(int[] values)
    {
        var buffer = Accelerator.AllocateInt(values.Length);
        owned.Add(buffer);
        buffer.CopyFromCPU(values);
        return buffer.View;
    }

    protected ArrayView<byte> Bytes(byte[] values)
    {
        var buffer = Accelerator.Allocate<byte>(values.Length);
        owned.Add(buffer);
        buffer.CopyFromCPU(values);
        return buffer.View;
    }

    protected int NextInt(int maxExclusive) => random.Next(maxExclusive);

    protected double[] Labels(int count)
    {
        var labels = new double[count];
        for (var i = 0; i < count; i++)
            labels[i] = i % 2;
        return labels;
    }

    protected ArrayView<float> Upload(double[] values)
    {
        var buffer = Accelerator.Allocate(values.Length);
        owned.Add(buffer);
        buffer.CopyFromCPU(values.Select(v => (float)v).ToArray());
        return buffer.View;
    }
}
