using System.Runtime.InteropServices;

namespace IlgpuSiamese.Benchmarks.EndToEnd;

/// <summary>
/// glibc's malloc thresholds, raised at the start of every benchmark process (and so of every child e2e starts).
/// Above M_MMAP_THRESHOLD (at most 32 MiB by default, adjusted as the process runs) glibc serves each allocation
/// with fresh pages and returns them on free; libtorch's activations at batch 256 are larger, so every batch
/// page-faulted them in again. Above M_TRIM_THRESHOLD of free memory at the heap's top glibc gives it back to the
/// system, with the same effect. Setting both with mallopt does what MALLOC_MMAP_THRESHOLD_=1073741824
/// MALLOC_TRIM_THRESHOLD_=1073741824 in the environment did before.
/// </summary>
public static partial class MallocThresholds
{
    public const int Bytes = 1 << 30;

    // glibc's malloc.h: M_TRIM_THRESHOLD -1, M_MMAP_THRESHOLD -3.
    private const int TrimThreshold = -1;
    private const int MmapThreshold = -3;

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int parameter, int value);

    /// <summary>What was done, for the report: both thresholds, or why not.</summary>
    public static MallocSetting Applied { get; private set; } = new(false, null, null, "not set");

    /// <summary>Sets both thresholds to <see cref="Bytes"/>; only on Linux with glibc, once, before the heavy work.</summary>
    public static MallocSetting Apply()
    {
        if (!OperatingSystem.IsLinux())
            return Applied = new MallocSetting(false, null, null, "not Linux: glibc's mallopt does not apply");
        try
        {
            var mmap = MallOpt(MmapThreshold, Bytes) == 1;
            var trim = MallOpt(TrimThreshold, Bytes) == 1;
            return Applied = mmap && trim
                ? new MallocSetting(true, Bytes, Bytes, $"mallopt M_MMAP_THRESHOLD and M_TRIM_THRESHOLD = {Bytes} at process start")
                : new MallocSetting(false, mmap ? Bytes : null, trim ? Bytes : null, "mallopt refused a threshold");
        }
        catch (EntryPointNotFoundException)
        {
            return Applied = new MallocSetting(false, null, null, "no mallopt in this C library (not glibc)");
        }
    }
}

/// <summary>The malloc thresholds in force in a process, as the e2e JSON records them.</summary>
public sealed record MallocSetting(bool Applied, int? MmapThresholdBytes, int? TrimThresholdBytes, string How);
