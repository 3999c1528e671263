using System.Runtime.CompilerServices;
using ILGPU;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>
/// The convolution's inference forward and the 2×2 max-pool after it in one pass (<see cref="Conv2dKernels.Conv2dPooledShiftedRuns"/>):
///   pooled[n,o,i,j] = act(b[o] + max over the window (2i..2i+1, 2j..2j+1) of Σ_tap Σ_c w[o,c,tap] · x[c, (n, p + shift)])
/// which equals the pool of act(b + ·) bit for bit, since act(b + ·) is monotonic (rounding included). A tile is 4 output
/// channels × two image rows (2i, 2i+1) × 16 columns from a multiple of 16; the source is channel-major with margins, as for
/// <see cref="ShiftedRunsShape"/>, and 16 floats more at its end, which the last row's lanes past the image width may read.
/// </summary>
public readonly struct PooledRunsShape
{
    public const int TileRows = 4, TileColumns = 16;

    public readonly int Rows, Sources, Batch, Height, Width, Kernel, PadBefore, Positions, Relu;

    /// <summary>Where w[o, c, tap] is: o·RowStride + c·SourceStride + tap.</summary>
    public readonly int RowStride, SourceStride;

    /// <summary>The shifted runs' margin before and after the source (<see cref="ShiftedRunsShape.Margin"/>) and their edge-table row.</summary>
    public readonly int Margin, EdgeRow;

    public readonly int PooledHeight, PooledWidth, ColumnChunks, RowTiles, Tiles;

    public PooledRunsShape(Conv2dShape s)
    {
        var runs = ShiftedRunsShape.Forward(s);
        (Rows, Sources, Batch, Height, Width, Kernel, PadBefore, Positions, Relu) =
            (s.OutChannels, s.InChannels, s.Batch, s.Height, s.Width, s.Kernel, s.PadBefore, s.Positions, s.Relu);
        (RowStride, SourceStride, Margin, EdgeRow) = (runs.RowStride, runs.SourceStride, runs.Margin, runs.EdgeRow);
        (PooledHeight, PooledWidth) = (s.Height / 2, s.Width / 2);
        ColumnChunks = (s.Width + TileColumns - 1) / TileColumns;
        RowTiles = (Rows + TileRows - 1) / TileRows;
        Tiles = RowTiles * ColumnChunks * Batch * PooledHeight;
    }

    /// <summary>(channels, N·H·W) with the margins, and 16 floats more after the end.</summary>
    public int SourceLength => Sources * Positions + 2 * Margin + TileColumns;

    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int PooledArea => PooledHeight * PooledWidth;

    /// <summary>At least 4 output channels and a 2×2 window.</summary>
    public bool Fits => Rows >= TileRows && PooledHeight > 0 && PooledWidth > 0;
}

// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static partial class Conv2dKernels
{
    // pooled: (N, O, H/2, W/2)  w: (O, C, K, K)  bias: (O)  sourcePadded: (C, N·H·W) from [Margin]  edges: as Conv2dShiftedRunsEdges
    // Work item = 4 channels × rows (2i, 2i+1) × 16 columns. Consecutive work items take the row tiles of one piece of the image,
    // so its source runs are read from cache after the first. Each element sums taps in (kh, kw) order, then channels, in one FMA
    // chain: the order of Conv2dShiftedRuns, so the sums are the same bits.
    public static void Conv2dPooledShiftedRuns(ArrayView<float> pooled, ArrayView<float> weight, ArrayView<float> bias,
        ArrayView<float> sourcePadded, ArrayView<float> edges, PooledRunsShape t)
    {
        var taps = t.Kernel * t.Kernel;
        var area = t.Height * t.Width;
        for (var tile = GridStride.Start; tile < t.Tiles; tile += GridStride.Step)
        {
            var rest = tile / t.RowTiles;
            var firstRow = (tile - rest * t.RowTiles) * PooledRunsShape.TileRows;
            var windowRow = rest / t.ColumnChunks;
            var column = (rest - windowRow * t.ColumnChunks) * PooledRunsShape.TileColumns;
            var n = windowRow / t.PooledHeight;
            var i = windowRow - n * t.PooledHeight;
            var r0 = firstRow < t.Rows - PooledRunsShape.TileRows ? firstRow : t.Rows - PooledRunsShape.TileRows;
            var top = 2 * i * t.Width + column;
            var bottom = top + t.Width;
            var acc = new PooledRunsTile();
            for (var tap = 0; tap < taps; tap++)
            {
                var kh = tap / t.Kernel;
                var shift = (kh - t.PadBefore) * t.Width + tap - kh * t.Kernel - t.PadBefore;
                var insideTop = Row16.Load(edges.SubView(tap * t.EdgeRow + top, Row16.Length), 0);
                var insideBottom = Row16.Load(edges.SubView(tap * t.EdgeRow + bottom, Row16.Length), 0);
                var a0 = r0 * t.RowStride + tap;
                var a1 = a0 + t.RowStride;
                var a2 = a1 + t.RowStride;
                var a3 = a2 + t.RowStride;
                var b0 = t.Margin + n * area + top + shift;
                for (var source = 0; source < t.Sources; source++)
                {
                    var start = b0 + source * t.Positions;
                    var upper = Row16.WherePositive(Row16.Load(sourcePadded.SubView(start, Row16.Length), 0), insideTop);
                    var lower = Row16.WherePositive(Row16.Load(sourcePadded.SubView(start + t.Width, Row16.Length), 0), insideBottom);
                    var ao = source * t.SourceStride;
                    acc.MultiplyAdd(weight[a0 + ao], weight[a1 + ao], weight[a2 + ao], weight[a3 + ao], upper, lower);
                }
            }
            var windows = t.PooledWidth - column / 2;
            var target = ((n * t.Rows + r0) * t.PooledHeight + i) * t.PooledWidth + column / 2;
            acc.Store(pooled, target, t.PooledArea, windows < 8 ? windows : 8, bias, r0, firstRow - r0, t.Relu);
        }
    }
}
// Stryker restore all

/// <summary>The accumulators of one <see cref="Conv2dKernels.Conv2dPooledShiftedRuns"/> tile: 4 channels × the two rows of a row of windows × 16 columns.</summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public struct PooledRunsTile
{
    private Row16 upper0, upper1, upper2, upper3, lower0, lower1, lower2, lower3;

    /// <summary>Channel r of both rows += w_r · its run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void MultiplyAdd(float w0, float w1, float w2, float w3, Row16 upper, Row16 lower)
    {
        upper0 = Row16.MultiplyAdd(w0, upper, upper0);
        lower0 = Row16.MultiplyAdd(w0, lower, lower0);
        upper1 = Row16.MultiplyAdd(w1, upper, upper1);
        lower1 = Row16.MultiplyAdd(w1, lower, lower1);
        upper2 = Row16.MultiplyAdd(w2, upper, upper2);
        lower2 = Row16.MultiplyAdd(w2, lower, lower2);
        upper3 = Row16.MultiplyAdd(w3, upper, upper3);
        lower3 = Row16.MultiplyAdd(w3, lower, lower3);
    }

    /// <summary>
    /// The first <paramref name="windows"/> windows of channels r0 + <paramref name="skip"/>... (the tile's own; the rows before
    /// belong to the tile before, whose last tile was moved back), act(bias + window max), from <paramref name="target"/> on.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Store(ArrayView<float> pooled, int target, int channelStride, int windows, ArrayView<float> bias, int r0, int skip, int relu)
    {
        if (skip <= 0)
            StoreWindows(pooled, target, windows, Row16.Max(upper0, lower0), bias[r0], relu);
        if (skip <= 1)
            StoreWindows(pooled, target + channelStride, windows, Row16.Max(upper1, lower1), bias[r0 + 1], relu);
        if (skip <= 2)
            StoreWindows(pooled, target + 2 * channelStride, windows, Row16.Max(upper2, lower2), bias[r0 + 2], relu);
        StoreWindows(pooled, target + 3 * channelStride, windows, Row16.Max(upper3, lower3), bias[r0 + 3], relu);
    }

    // Window j is columns 2j and 2j+1 of the rows' maximum.
    private static void StoreWindows(ArrayView<float> pooled, int target, int windows, Row16 m, float bias, int relu)
    {
        StoreWindow(pooled, target, 0, windows, m.V0, m.V1, bias, relu);
        StoreWindow(pooled, target, 1, windows, m.V2, m.V3, bias, relu);
        StoreWindow(pooled, target, 2, windows, m.V4, m.V5, bias, relu);
        StoreWindow(pooled, target, 3, windows, m.V6, m.V7, bias, relu);
        StoreWindow(pooled, target, 4, windows, m.V8, m.V9, bias, relu);
        StoreWindow(pooled, target, 5, windows, m.V10, m.V11, bias, relu);
        StoreWindow(pooled, target, 6, windows, m.V12, m.V13, bias, relu);
        StoreWindow(pooled, target, 7, windows, m.V14, m.V15, bias, relu);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreWindow(ArrayView<float> pooled, int target, int j, int windows, float left, float right, float bias, int relu)
    {
        if (j < windows)
            pooled[target + j] = Row16.Activate((left > right ? left : right) + bias, relu);
    }
}
// Stryker restore all
