using System.Diagnostics;
using ILGPU.Runtime.Cuda;

namespace IlgpuSiamese.Measuring;

/// <summary>A device's memory bandwidth in GB/s (null when unknown) and how it was found, in one line.</summary>
public sealed record DeviceBandwidth(double? GigabytesPerSecond, string Assumption)
{
    private const int CopyFloats = 32 << 20, CopyRepetitions = 5;

    /// <summary>
    /// Copies 128 MiB of floats into another 128 MiB on every logical CPU at once (a slice each), once to fault the
    /// pages in and then <see cref="CopyRepetitions"/> times: bytes read plus written over the median time. A copy
    /// is what the profiled kernels do at best (each reads some arrays and writes others), so this is the floor's
    /// bandwidth, not the memory's nominal peak.
    /// </summary>
    public static DeviceBandwidth MeasureHostCopy()
    {
        var source = new float[CopyFloats];
        var target = new float[CopyFloats];
        Array.Fill(source, 1f);
        var slices = Environment.ProcessorCount;
        var slice = (CopyFloats + slices - 1) / slices;
        var seconds = new double[CopyRepetitions];
        for (var r = -1; r < CopyRepetitions; r++)
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = slices }, s =>
            {
                var start = s * slice;
                var length = Math.Min(slice, CopyFloats - start);
                source.AsSpan(start, length).CopyTo(target.AsSpan(start, length));
            });
            if (r >= 0)
                seconds[r] = clock.Elapsed.TotalSeconds;
        }
        var gbs = 2.0 * CopyFloats * sizeof(float) / BenchmarkStatistics.Median(seconds) / 1e9;
        return new DeviceBandwidth(gbs,
            $"host memory {gbs:N1} GB/s, measured: a 128 MiB copy on {slices} threads (read + written bytes, median of {CopyRepetitions})");
    }

    /// <summary>2 transfers a clock (double data rate) × the memory clock (ILGPU's MemoryClockRate, kHz) × the bus width in bytes.</summary>
    public static DeviceBandwidth Cuda(CudaAccelerator cuda)
    {
        if (cuda.MemoryClockRate <= 0 || cuda.MemoryBusWidth <= 0)
            return new DeviceBandwidth(null, "bandwidth n/a: the driver gave no memory clock or bus width");
        var gbs = NominalGigabytesPerSecond(cuda.MemoryClockRate, cuda.MemoryBusWidth);
        return new DeviceBandwidth(gbs,
            $"CUDA nominal bandwidth {gbs:N0} GB/s = 2 × {cuda.MemoryClockRate / 1000.0:N0} MHz × {cuda.MemoryBusWidth} bits / 8");
    }

    public static double NominalGigabytesPerSecond(double memoryClockKhz, int busWidthBits) => 2 * memoryClockKhz * 1e3 * busWidthBits / 8 / 1e9;
}
