using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Measuring;

/// <summary>How many FMA iterations each chain of <see cref="FmaPeak.FmaChains"/> runs, over how many work items.</summary>
public readonly record struct FmaPeakParams(int Items, int Iterations);

/// <summary>
/// What this stack reaches on a device: a kernel of nothing but fused multiply-adds, written the way the
/// project's fast kernels are (ILGPU C#, <see cref="FusedMultiplyAdd"/>, straight-line <see cref="Row16"/>
/// blocks that a CPU OpenCL compiler packs into 16-lane vectors), timed on the device. Each work item runs
/// <see cref="Chains"/> independent chains acc ← a·y + acc of 16 lanes each (a GEMM micro-kernel's step), enough to
/// hide the FMA's latency on two pipes, and writes every accumulator out so that no compiler can drop the work. On PoCL it is the
/// practical ceiling of our kernels on the host CPU; the nominal figure (<see cref="DevicePeak.HostCpu"/>) only
/// multiplies a clock.
/// </summary>
public static class FmaPeak
{
    /// <summary>
    /// Independent 16-lane accumulators per work item: two FMA pipes of 4 cycles' latency keep 8 in flight. (12 chains
    /// stopped PoCL 3.1's SLP vectoriser from packing the loop into 16-lane FMAs: it fell to scalar code.)
    /// </summary>
    public const int Chains = 8;

    /// <summary>Floats one work item writes: its chains' 16 lanes each.</summary>
    public const int FloatsPerItem = Chains * Row16.Length;

    /// <summary>FLOPs of one launch: 2 per FMA.</summary>
    public static double Flops(FmaPeakParams p) => 2.0 * p.Items * FloatsPerItem * p.Iterations;

    /// <summary>Rows of y the chains cycle through: one 16-lane row a step, loaded as a GEMM loads its B row.</summary>
    public const int Rows = 16;

    /// <summary>Floats of the factors: <see cref="Rows"/> rows of y, then one a per chain.</summary>
    public const int FactorLength = Rows * Row16.Length + Chains;

    // Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
    // factors: y (Rows, 16) then a (Chains)  result: (items, Chains, 16)
    /// <summary>
    /// result[item, c, l] = Σ over steps i of a[c]·y[i mod Rows, l] from 0, one rounding per step: a GEMM micro-kernel's
    /// inner loop (a broadcast times a loaded row into each accumulator row) with nothing else in it. The accumulators
    /// start at zero, as the GEMM's do: started from loaded values, PoCL 3.1 left the loop scalar.
    /// </summary>
    public static void FmaChains(ArrayView<float> result, ArrayView<float> factors, FmaPeakParams p)
    {
        for (var item = GridStride.Start; item < p.Items; item += GridStride.Step)
        {
            var a0 = factors[Rows * Row16.Length + 0];
            var a1 = factors[Rows * Row16.Length + 1];
            var a2 = factors[Rows * Row16.Length + 2];
            var a3 = factors[Rows * Row16.Length + 3];
            var a4 = factors[Rows * Row16.Length + 4];
            var a5 = factors[Rows * Row16.Length + 5];
            var a6 = factors[Rows * Row16.Length + 6];
            var a7 = factors[Rows * Row16.Length + 7];
            var at = item * FloatsPerItem;
            var acc0 = default(Row16);
            var acc1 = default(Row16);
            var acc2 = default(Row16);
            var acc3 = default(Row16);
            var acc4 = default(Row16);
            var acc5 = default(Row16);
            var acc6 = default(Row16);
            var acc7 = default(Row16);
            for (var i = 0; i < p.Iterations; i++)
            {
                var row = i & (Rows - 1);
                var y = Row16.Load(factors, row * Row16.Length);
                acc0 = Row16.MultiplyAdd(a0, y, acc0);
                acc1 = Row16.MultiplyAdd(a1, y, acc1);
                acc2 = Row16.MultiplyAdd(a2, y, acc2);
                acc3 = Row16.MultiplyAdd(a3, y, acc3);
                acc4 = Row16.MultiplyAdd(a4, y, acc4);
                acc5 = Row16.MultiplyAdd(a5, y, acc5);
                acc6 = Row16.MultiplyAdd(a6, y, acc6);
                acc7 = Row16.MultiplyAdd(a7, y, acc7);
            }
            Row16.Store(result, at + 0 * Row16.Length, acc0);
            Row16.Store(result, at + 1 * Row16.Length, acc1);
            Row16.Store(result, at + 2 * Row16.Length, acc2);
            Row16.Store(result, at + 3 * Row16.Length, acc3);
            Row16.Store(result, at + 4 * Row16.Length, acc4);
            Row16.Store(result, at + 5 * Row16.Length, acc5);
            Row16.Store(result, at + 6 * Row16.Length, acc6);
            Row16.Store(result, at + 7 * Row16.Length, acc7);
        }
    }
    // Stryker restore all

    /// <summary>
    /// Work items that keep every unit of <paramref name="device"/> busy: on ILGPU's CPU accelerator one per lane
    /// thread; on an OpenCL CPU 128 per compute unit (groups of 8, so each core takes many); on a GPU as many as
    /// its multiprocessors hold.
    /// </summary>
    public static int ItemsFor(ComputeDevice device)
    {
        var accelerator = device.Accelerator;
        return device.Kind switch
        {
            DeviceKind.Cpu => accelerator.MaxNumThreadsPerGroup * accelerator.NumMultiprocessors,
            _ when !device.Info.IsGpu => accelerator.NumMultiprocessors * 128,
            _ => accelerator.NumMultiprocessors * accelerator.MaxNumThreadsPerMultiprocessor,
        };
    }

    /// <summary>Runs <see cref="FmaChains"/> once on <paramref name="device"/> and waits for it.</summary>
    public static void Launch(ComputeDevice device, ArrayView<float> result, ArrayView<float> factors, FmaPeakParams p)
    {
        device.Run(FmaChains, device.LaunchTiles(p.Items), result, factors, p);
        device.Synchronize();
    }

    /// <summary>
    /// The best GFLOP/s of several launches of about <paramref name="secondsPerLaunch"/> each on <paramref name="device"/>,
    /// after one untimed launch (it compiles the kernel) and two that size the iterations to that time.
    /// </summary>
    public static DevicePeak Measure(ComputeDevice device, double secondsPerLaunch = 0.1, int launches = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(secondsPerLaunch);
        ArgumentOutOfRangeException.ThrowIfLessThan(launches, 1);
        var items = ItemsFor(device);
        using var result = device.Allocate((long)items * FloatsPerItem);
        using var factors = device.Allocate(FactorLength);
        // Accumulators grow by a·y = 2⁻¹⁰ a step from 0: normal floats all along, never denormal, never infinite.
        factors.CopyFromCPU(Enumerable.Repeat(1f / 32, FactorLength).ToArray());
        var p = new FmaPeakParams(items, 64);
        Launch(device, result.View, factors.View, p);
        // Sized twice: a short first launch is mostly launch overhead, which would make the later ones too short.
        for (var sizing = 0; sizing < 2; sizing++)
        {
            var seconds = Time(() => Launch(device, result.View, factors.View, p));
            p = p with { Iterations = (int)Math.Clamp(p.Iterations * secondsPerLaunch / seconds, 64, 1 << 24) };
        }
        var best = 0.0;
        for (var launch = 0; launch < launches; launch++)
            best = Math.Max(best, Flops(p) / Time(() => Launch(device, result.View, factors.View, p)) / 1e9);
        return new DevicePeak(best,
            $"measured FP32 peak {best:N0} GFLOP/s: an ILGPU kernel of fused multiply-adds only ({Chains} chains of 16 lanes " +
            $"per work item, {items:N0} work items, {p.Iterations:N0} steps), the best of {launches} launches on {device.Info.Id}");
    }

    private static double Time(Action work)
    {
        var clock = Stopwatch.StartNew();
        work();
        return Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
    }
}
