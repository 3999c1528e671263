using ILGPU;

namespace IlgpuSiamese.Kernels;

/// <summary>
/// Every kernel here is explicitly grouped and walks its items with a grid-stride loop:
/// <c>for (var i = GridStride.Start; i &lt; n; i += GridStride.Step)</c>. ILGPU's CPU accelerator runs one
/// OS thread per lane, so each lane must own many items; a GPU launches one lane per item.
/// </summary>
public static class GridStride
{
    public static int Start => Grid.GlobalIndex.X;

    public static int Step => Grid.DimX * Group.DimX;
}
