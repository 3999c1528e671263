using System.Runtime.CompilerServices;
using ILGPU;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>
/// A convolution summed from shifted runs (<see cref="Conv2dKernels.Conv2dShiftedRuns"/>), as either of the two
/// products it serves:
///   forward         y[n,o,p]  = act(b[o] + Σ_tap Σ_c w[o,c,tap] · x[c, (n, p + shift)]),  shift = +((kh−P)·W + kw−P)
///   input gradient  dx[n,c,p] =            Σ_tap Σ_o w[o,c,tap] · dz[o, (n, p + shift)],  shift = −((kh−P)·W + kw−P)
/// Rows are the output's channels (O forward, C for dx), sources the channels summed over (C forward, O for dx); the
/// source is channel-major (channels, N·H·W) with <see cref="Margin"/> floats before and after it. Tiles are 8 rows ×
/// 16 positions.
/// </summary>
public readonly struct ShiftedRunsShape
{
    public const int TileRows = Tile8x16.Rows, TileColumns = Tile8x16.Columns;

    public readonly int Rows, Sources, Height, Width, Kernel, PadBefore, Positions;

    /// <summary>+1: the forward's shifts; −1: the input gradient's (the kernel flipped).</summary>
    public readonly int Direction;

    /// <summary>Where w[row, source, tap] is: row·RowStride + source·SourceStride + tap.</summary>
    public readonly int RowStride, SourceStride;

    /// <summary>The forward's activation: 1 for ReLU (the input gradient has none).</summary>
    public readonly int Relu;

    /// <summary>Floats before and after the source: a tap's run of 16 may start (K−1)·(W+1) before the first position or end as far after the last.</summary>
    public readonly int Margin;

    /// <summary>An edge table row: H·W positions and 16 more that wrap into the next image, so a tile that straddles two images reads one run.</summary>
    public readonly int EdgeRow;

    /// <summary>4·RowStride: where a tile's second group of four rows starts in w. A field, so that the compiler sees two groups of four, not a gather of eight (<see cref="TileRowOffsets"/>).</summary>
    public readonly int HalfTileStride;

    public readonly int RowTiles, Tiles;

    /// <summary>Work items of <see cref="Conv2dKernels.Conv2dShiftedRunsByRow"/>: each row's runs of 16 positions.</summary>
    public readonly int RowRuns;

    private ShiftedRunsShape(Conv2dShape s, bool forward)
    {
        var taps = s.Kernel * s.Kernel;
        (Rows, Sources) = forward ? (s.OutChannels, s.InChannels) : (s.InChannels, s.OutChannels);
        (RowStride, SourceStride) = forward ? (s.InChannels * taps, taps) : (taps, s.InChannels * taps);
        (Direction, Relu) = forward ? (1, s.Relu) : (-1, 0);
        (Height, Width, Kernel, PadBefore, Positions) = (s.Height, s.Width, s.Kernel, s.PadBefore, s.Positions);
        Margin = (s.Kernel - 1) * (s.Width + 1);
        EdgeRow = s.Height * s.Width + TileColumns;
        HalfTileStride = TileRows / 2 * RowStride;
        RowTiles = (Rows + TileRows - 1) / TileRows;
        Tiles = RowTiles * ((Positions + TileColumns - 1) / TileColumns);
        RowRuns = Rows * ((Positions + TileColumns - 1) / TileColumns);
    }

    public static ShiftedRunsShape Forward(Conv2dShape s) => new(s, forward: true);

    public static ShiftedRunsShape InputGradient(Conv2dShape s) => new(s, forward: false);

    /// <summary>The forward adds the bias and applies the activation; the input gradient stores its sums.</summary>
    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public bool IsForward => Direction > 0;

    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int EdgeLength => Kernel * Kernel * EdgeRow;

    /// <summary>How far along the source a tap (kh, kw) reads from the position it sums into: ±((kh−P)·W + kw−P).</summary>
    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int Shift(int tap)
    {
        var kh = tap / Kernel;
        return Direction * ((kh - PadBefore) * Width + tap - kh * Kernel - PadBefore);
    }

    /// <summary>(channels, N·H·W) with the margins on both sides.</summary>
    public int SourceLength => Sources * Positions + 2 * Margin;

    /// <summary>Whether the shape has the one full tile the kernel needs: at least 8 rows and 16 positions.</summary>
    public bool Fits => Rows >= TileRows && Positions >= TileColumns;
}

// Why shifted runs: for one tap, the 16 positions of a tile read source[s, j + shift], one contiguous run of the
// source's row s, whose lanes that fall outside the image are masked to 0 by the edge table. So each tap is a GEMM
// step of the source's rows against w's column (row, tap), and a tile sums all K·K·Sources terms in registers and
// writes its output once: no column matrix (C·K·K × N·H·W) is written and read back, neither the forward's im2col
// nor the input gradient's dcol and col2im.
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static partial class Conv2dKernels
{
    // edges: (K·K, H·W + 16)  edges[tap, q] = 1 when position q mod H·W, shifted by the tap, lies inside the image, else 0
    public static void Conv2dShiftedRunsEdges(ArrayView<float> edges, ShiftedRunsShape t)
    {
        var area = t.Height * t.Width;
        for (var e = GridStride.Start; e < t.EdgeLength; e += GridStride.Step)
        {
            var tap = e / t.EdgeRow;
            var p = (e - tap * t.EdgeRow) % area;
            var kh = tap / t.Kernel;
            var i = p / t.Width + t.Direction * (kh - t.PadBefore);
            var j = p % t.Width + t.Direction * (tap - kh * t.Kernel - t.PadBefore);
            edges[e] = (i >= 0) & (i < t.Height) & (j >= 0) & (j < t.Width) ? 1f : 0f;
        }
    }

    // x: (N, C, H, W) -> (C, N·H·W) after `margin` floats. One work item per plane (n, c). The margins are left as
    // they are: every lane read from them is masked by the edge table.
    public static void Conv2dChannelMajor(ArrayView<float> sourcePadded, ArrayView<float> input, Conv2dShape s, int margin)
    {
        var area = s.Height * s.Width;
        var planes = s.Batch * s.InChannels;
        for (var plane = GridStride.Start; plane < planes; plane += GridStride.Step)
        {
            var n = plane % s.Batch;
            var c = plane / s.Batch;
            var target = margin + (c * s.Batch + n) * area;
            var source = (n * s.InChannels + c) * area;
            for (var p = 0; p < area; p++)
                sourcePadded[target + p] = input[source + p];
        }
    }

    // output: (N, Rows, H, W)  w: as ShiftedRunsShape says  bias: (Rows), read only by the forward
    // sourcePadded: (Sources, N·H·W) from [Margin]  edges: as above.
    // Work item = 8 rows × 16 positions (the last tiles moved back inside, as GEMM's are, storing only what they
    // own); taps in (kh, kw) order, then sources: a fixed order, one FMA chain per element.
    public static void Conv2dShiftedRuns(ArrayView<float> output, ArrayView<float> weight, ArrayView<float> bias,
        ArrayView<float> sourcePadded, ArrayView<float> edges, ShiftedRunsShape t)
    {
        var taps = t.Kernel * t.Kernel;
        var area = t.Height * t.Width;
        for (var tile = GridStride.Start; tile < t.Tiles; tile += GridStride.Step)
        {
            var columnTile = tile / t.RowTiles;
            var firstRow = (tile - columnTile * t.RowTiles) * ShiftedRunsShape.TileRows;
            var firstColumn = columnTile * ShiftedRunsShape.TileColumns;
            var r0 = Tile8x16.Inside(firstRow, t.Rows, ShiftedRunsShape.TileRows);
            var c0 = Tile8x16.Inside(firstColumn, t.Positions, ShiftedRunsShape.TileColumns);
            var n0 = c0 / area;
            var p0 = c0 - n0 * area;
            var acc = default(Tile8x16);
            for (var tap = 0; tap < taps; tap++)
            {
                var shift = t.Shift(tap);
                // Sub-views with constant offsets: the compiler then sees one contiguous run (an index sum would be a gather).
                var inside = Row16.Load(edges.SubView(tap * t.EdgeRow + p0, Row16.Length), 0);
                // w[row, source, tap] for the tile's 8 rows
                var rows = new TileRowOffsets(r0 * t.RowStride + tap, t.RowStride, t.HalfTileStride);
                var b0 = t.Margin + c0 + shift;
                for (var source = 0; source < t.Sources; source++)
                {
                    var run = Row16.WherePositive(Row16.Load(sourcePadded.SubView(b0 + source * t.Positions, Row16.Length), 0), inside);
                    acc.MultiplyAdd(weight, rows, source * t.SourceStride, run);
                }
            }
            if (t.IsForward)
                acc.Activate(bias, r0, t.Relu);
            StoreTile(output, acc, r0, firstRow, c0, firstColumn, n0, p0, t);
        }
    }

    // Work item = 1 row × 16 positions: Conv2dShiftedRuns' sums in its order, so the same bits, from a kernel that ILGPU
    // generates in a tenth of the time (one 16-float accumulator where the tile has eight): for a batch of a few images,
    // which would not win back the tile's code generation.
    public static void Conv2dShiftedRunsByRow(ArrayView<float> output, ArrayView<float> weight, ArrayView<float> bias,
        ArrayView<float> sourcePadded, ArrayView<float> edges, ShiftedRunsShape t)
    {
        var taps = t.Kernel * t.Kernel;
        var area = t.Height * t.Width;
        for (var item = GridStride.Start; item < t.RowRuns; item += GridStride.Step)
        {
            var columnTile = item / t.Rows;
            var row = item - columnTile * t.Rows;
            var firstColumn = columnTile * ShiftedRunsShape.TileColumns;
            var c0 = Tile8x16.Inside(firstColumn, t.Positions, ShiftedRunsShape.TileColumns);
            var n0 = c0 / area;
            var p0 = c0 - n0 * area;
            var acc = default(Row16);
            for (var tap = 0; tap < taps; tap++)
            {
                var shift = t.Shift(tap);
                var inside = Row16.Load(edges.SubView(tap * t.EdgeRow + p0, Row16.Length), 0);
                var b0 = t.Margin + c0 + shift;
                for (var source = 0; source < t.Sources; source++)
                {
                    var run = Row16.WherePositive(Row16.Load(sourcePadded.SubView(b0 + source * t.Positions, Row16.Length), 0), inside);
                    acc = Row16.MultiplyAdd(weight[row * t.RowStride + source * t.SourceStride + tap], run, acc);
                }
            }
            if (t.IsForward)
                acc = Row16.Activate(acc, bias[row], t.Relu);
            StoreTileRow(output, row, row, c0, firstColumn, n0, p0, acc, t);
        }
    }

    // The rows from firstRow and the positions from firstColumn (what the tile owns) into the output (N, Rows, H, W): the
    // tile's rows are output channels, its lanes consecutive positions of N·H·W (which may run from one image into the next).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreTile(ArrayView<float> output, Tile8x16 tile, int r0, int firstRow, int c0, int firstColumn, int n0, int p0, ShiftedRunsShape t)
    {
        StoreTileRow(output, r0, firstRow, c0, firstColumn, n0, p0, tile.Row0, t);
        StoreTileRow(output, r0 + 1, firstRow, c0, firstColumn, n0, p0, tile.Row1, t);
        StoreTileRow(output, r0 + 2, firstRow, c0, firstColumn, n0, p0, tile.Row2, t);
        StoreTileRow(output, r0 + 3, firstRow, c0, firstColumn, n0, p0, tile.Row3, t);
        StoreTileRow(output, r0 + 4, firstRow, c0, firstColumn, n0, p0, tile.Row4, t);
        StoreTileRow(output, r0 + 5, firstRow, c0, firstColumn, n0, p0, tile.Row5, t);
        StoreTileRow(output, r0 + 6, firstRow, c0, firstColumn, n0, p0, tile.Row6, t);
        StoreTileRow(output, r0 + 7, firstRow, c0, firstColumn, n0, p0, tile.Row7, t);
    }

    private static void StoreTileRow(ArrayView<float> output, int row, int firstRow, int c0, int firstColumn, int n0, int p0, Row16 v, ShiftedRunsShape t)
    {
        if (row < firstRow)
            return;
        var area = t.Height * t.Width;
        if (c0 == firstColumn && p0 + Row16.Length <= area)
        {
            Row16.Store(output, (n0 * t.Rows + row) * area + p0, v);
            return;
        }
        var skip = firstColumn - c0;
        PutLane(output, row, n0, p0, 0, skip, v.V0, t);
        PutLane(output, row, n0, p0, 1, skip, v.V1, t);
        PutLane(output, row, n0, p0, 2, skip, v.V2, t);
        PutLane(output, row, n0, p0, 3, skip, v.V3, t);
        PutLane(output, row, n0, p0, 4, skip, v.V4, t);
        PutLane(output, row, n0, p0, 5, skip, v.V5, t);
        PutLane(output, row, n0, p0, 6, skip, v.V6, t);
        PutLane(output, row, n0, p0, 7, skip, v.V7, t);
        PutLane(output, row, n0, p0, 8, skip, v.V8, t);
        PutLane(output, row, n0, p0, 9, skip, v.V9, t);
        PutLane(output, row, n0, p0, 10, skip, v.V10, t);
        PutLane(output, row, n0, p0, 11, skip, v.V11, t);
        PutLane(output, row, n0, p0, 12, skip, v.V12, t);
        PutLane(output, row, n0, p0, 13, skip, v.V13, t);
        PutLane(output, row, n0, p0, 14, skip, v.V14, t);
        PutLane(output, row, n0, p0, 15, skip, v.V15, t);
    }

    // Lane i is position p0 + i of image n0, or of a later image past its end; lanes before `skip` belong to the tile before.
    private static void PutLane(ArrayView<float> output, int row, int n0, int p0, int lane, int skip, float v, ShiftedRunsShape t)
    {
        if (lane < skip)
            return;
        var area = t.Height * t.Width;
        var (n, p) = (n0, p0 + lane);
        while (p >= area)
        {
            p -= area;
            n++;
        }
        output[(n * t.Rows + row) * area + p] = v;
    }
}
// Stryker restore all
