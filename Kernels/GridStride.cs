using ILGPU;

namespace IlgpuSiamese.Kernels;

/// <summary>
/// Every kernel here is explicitly grouped and walks its items with a grid-stride loop:
/// <c>for (var i = GridStride.Start; i &lt; n; i += GridStride.Step)</c>. ILGPU's CPU accelerator runs one
/// OS thread per lane, so each lane must own many items; a GPU launches one lane per item.
/// Element-wise kernels walk runs instead: <c>for (var run = GridStride.RunStart; run &lt; n; run +=
/// GridStride.RunStep)</c>, then <c>for (var i = run; i &lt; GridStride.RunEnd(run, n); i++)</c>. Unit stride
/// inside a run is what lets PoCL's compiler vectorise the loop (a grid stride kept it scalar: dropout ran
/// 5.5x faster in runs); on a GPU a lane reads 16 consecutive floats, as with vector loads.
/// Launch them with <c>ComputeDevice.LaunchRuns</c>.
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching; Stryker places mutants of files outside its mutate globs too (docs/mutation-testing.md)
public static class GridStride
{
    public const int RunLength = 16;

    public static int Start => Grid.GlobalIndex.X;

    public static int Step => Grid.DimX * Group.DimX;

    public static int RunStart => Grid.GlobalIndex.X * RunLength;

    public static int RunStep => Grid.DimX * Group.DimX * RunLength;

    public static int RunEnd(int run, int length) => run + RunLength < length ? run + RunLength : length;
}
