using System.Globalization;
using ILGPU.Runtime.Cuda;

namespace IlgpuSiamese.Measuring;

/// <summary>A device's nominal FP32 peak in GFLOP/s (null when unknown) and how it was reckoned, in one line.</summary>
public sealed record DevicePeak(double? GflopsPerSecond, string Assumption)
{
    /// <summary>
    /// cores × 2 FMA pipes × SIMD lanes (16 with AVX-512, 8 with AVX2, else 4) × 2 FLOP × clock. The cores are the
    /// logical CPUs .NET sees (on a VM, its vCPUs); the clock is the first "cpu MHz" of /proc/cpuinfo (often the base
    /// clock, not the boost); the lanes from its flags.
    /// </summary>
    public static DevicePeak HostCpu()
    {
        var cores = Environment.ProcessorCount;
        string[] lines;
        try
        {
            lines = File.ReadAllLines("/proc/cpuinfo");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new DevicePeak(null, "peak n/a: /proc/cpuinfo is not readable");
        }
        var mhz = lines.Where(l => l.StartsWith("cpu MHz", StringComparison.Ordinal))
            .Select(l => double.TryParse(l[(l.IndexOf(':') + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0)
            .FirstOrDefault(v => v > 0);
        if (mhz <= 0)
            return new DevicePeak(null, "peak n/a: no \"cpu MHz\" in /proc/cpuinfo");
        var flags = lines.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(' ') ?? [];
        var (lanes, isa) = flags.Contains("avx512f") ? (16, "AVX-512") : flags.Contains("avx2") ? (8, "AVX2") : (4, "SSE");
        var gflops = PeakGflops(cores, fmaPipes: 2, lanes, mhz);
        return new DevicePeak(gflops,
            $"host CPU FP32 peak {gflops:N0} GFLOP/s = {cores} cores × 2 FMA pipes × {lanes} lanes ({isa}) × 2 FLOP × {mhz:N0} MHz (\"cpu MHz\" of /proc/cpuinfo)");
    }

    /// <summary>units × pipes × lanes × 2 FLOP (a fused multiply-add) × clock, in GFLOP/s.</summary>
    public static double PeakGflops(int units, int fmaPipes, int lanes, double mhz) => units * fmaPipes * lanes * 2.0 * mhz / 1000;

    /// <summary>multiprocessors × FP32 lanes per multiprocessor × 2 FLOP × clock (ILGPU's ClockRate, kHz).</summary>
    public static DevicePeak Cuda(CudaAccelerator cuda)
    {
        var major = cuda.Architecture is { } arch ? arch.Major : 0;
        var minor = cuda.Architecture is { } a ? a.Minor : 0;
        int? lanes = (major, minor) switch
        {
            (5, _) => 128,
            (6, 0) => 64,
            (6, _) => 128,
            (7, _) => 64,
            (8, 0) => 64,
            (>= 8, _) => 128,
            _ => null,
        };
        if (lanes is null || cuda.ClockRate <= 0)
            return new DevicePeak(null, $"peak n/a: FP32 lanes unknown for sm_{major}{minor}");
        var mhz = cuda.ClockRate / 1000.0;
        var gflops = PeakGflops(cuda.NumMultiprocessors, fmaPipes: 1, lanes.Value, mhz);
        return new DevicePeak(gflops,
            $"CUDA FP32 peak {gflops:N0} GFLOP/s = {cuda.NumMultiprocessors} SMs × {lanes} FP32 lanes (sm_{major}{minor}) × 2 FLOP × {mhz:N0} MHz");
    }
}
