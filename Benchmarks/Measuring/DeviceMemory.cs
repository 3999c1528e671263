using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Network;

namespace IlgpuSiamese.Measuring;

/// <summary>Device bytes a network holds when built for one largest batch (in pairs).</summary>
public sealed record MemoryAtBatch(int Batch, long Bytes);

/// <summary>A tower's device memory against the batch size, and the straight line through it.</summary>
/// <param name="FixedBytes">What does not grow with the batch: parameters, gradients, Adam's two moments.</param>
/// <param name="BytesPerPair">What each pair of the largest batch adds: both branches' activations and their gradients, argmaxes, head.</param>
public sealed record MemoryProfile(string Tower, int Parameters, IReadOnlyList<MemoryAtBatch> Points, double FixedBytes, double BytesPerPair);

/// <summary>
/// Measures device memory by what the network allocates: the sum of the bytes of every buffer it asks
/// <see cref="ComputeDevice"/> for (see <see cref="ComputeDevice.BytesInUse"/>), network by network.
/// The network's buffers are allocated when it is built, for its largest batch. Not counted here: the
/// kernels' own scratch buffers, which grow on a device's first launch at a shape and are then kept (see
/// <see cref="IlgpuPairEngine.WorkspaceBytes"/>), and the uploaded images.
/// </summary>
public static class DeviceMemory
{
    public static readonly int[] DefaultBatches = [16, 64, 256, 512];

    public static MemoryProfile AgainstBatch(ComputeDevice device, string tower, IReadOnlyList<int>? batches = null, int seed = 42)
    {
        batches ??= DefaultBatches;
        var config = BenchmarkTowers.Network(tower);
        var points = new List<MemoryAtBatch>();
        var parameters = 0;
        foreach (var batch in batches)
        {
            var before = device.BytesInUse;
            using var network = new SiameseNetwork(device, config, batch, seed);
            points.Add(new MemoryAtBatch(batch, device.BytesInUse - before));
            parameters = network.Parameters.Length;
        }
        var (fixedBytes, perPair) = points.Select(p => p.Batch).Distinct().Count() >= 2
            ? BenchmarkStatistics.LinearFit(points.Select(p => (p.Batch, p.Bytes)).ToList())
            : (double.NaN, double.NaN);
        return new MemoryProfile(tower, parameters, points, fixedBytes, perPair);
    }
}
