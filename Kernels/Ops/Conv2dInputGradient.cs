using System.Runtime.CompilerServices;
using ILGPU;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>
/// The launch of <see cref="Conv2dKernels.Conv2dInputGradient"/>: tiles of 8 input channels × 16 positions, dz read
/// from a buffer with <see cref="Margin"/> floats before and after it, and the edge table's rows.
/// </summary>
public readonly struct Conv2dInputGradientShape(Conv2dShape s)
{
    public const int TileRows = 8, TileColumns = 16;

    /// <summary>Floats before and after dz: a tap's shifted row of 16 may start (K−1)·(W+1) before the first position or end as far after the last.</summary>
    public readonly int Margin = (s.Kernel - 1) * (s.Width + 1);

    /// <summary>An edge table row: H·W positions and 16 more that wrap into the next image, so a tile that straddles two images reads one run.</summary>
    public readonly int EdgeRow = s.Height * s.Width + TileColumns;

    /// <summary>4·K·K: where a tile's second group of four channels starts in W. A field, so that the compiler sees two groups of four, not a gather of eight (as GemmShape.AHalfTileStride).</summary>
    public readonly int HalfTileStride = TileRows / 2 * s.Kernel * s.Kernel;

    public readonly int RowTiles = (s.InChannels + TileRows - 1) / TileRows;
    public readonly int Tiles = (s.InChannels + TileRows - 1) / TileRows * ((s.Positions + TileColumns - 1) / TileColumns);

    public int EdgeLength => s.Kernel * s.Kernel * EdgeRow;

    /// <summary>Whether the shape has the one full tile the kernel needs: at least 8 input channels and 16 positions.</summary>
    public static bool Fits(Conv2dShape s) => s.InChannels >= TileRows && s.Positions >= TileColumns;
}

// The input gradient without the column matrix: dx[n,c,i,j] = Σ_(kh,kw) Σ_o w[o,c,kh,kw] · dz[o, (n, i−kh+P, j−kw+P)].
// For one tap, the 16 positions of a tile read dz[o, j + shift] with shift = (P−kh)·W + (P−kw): one contiguous run
// of dz's row o, whose lanes that fall outside the image are masked to 0 by the edge table. So each tap is a GEMM
// step of dz's rows against w's column (c, tap), and a tile sums all K·K·O terms in registers and writes dx once:
// no dcol (C·K·K × N·H·W) is written and read back, and no col2im pass.
public static partial class Conv2dKernels
{
    // edges: (K·K, H·W + 16)  edges[tap, q] = 1 when position q mod H·W, shifted by the tap, lies inside the image, else 0
    public static void Conv2dInputGradientEdges(ArrayView<float> edges, Conv2dShape s, Conv2dInputGradientShape t)
    {
        var area = s.Height * s.Width;
        for (var e = GridStride.Start; e < t.EdgeLength; e += GridStride.Step)
        {
            var tap = e / t.EdgeRow;
            var p = (e - tap * t.EdgeRow) % area;
            var kh = tap / s.Kernel;
            var i = p / s.Width - kh + s.PadBefore;
            var j = p % s.Width - (tap - kh * s.Kernel) + s.PadBefore;
            edges[e] = (i >= 0) & (i < s.Height) & (j >= 0) & (j < s.Width) ? 1f : 0f;
        }
    }

    // dx: (N, C, H, W)  w: (O, C, K, K)  dz: (O, N·H·W) from dzPadded[Margin]  edges: as above.
    // Work item = 8 channels × 16 positions (the last tiles moved back inside, as GEMM's are, storing only what they
    // own); taps in (kh, kw) order, then o: a fixed order, one FMA chain per element.
    public static void Conv2dInputGradient(ArrayView<float> dInput, ArrayView<float> weight, ArrayView<float> dzPadded,
        ArrayView<float> edges, Conv2dShape s, Conv2dInputGradientShape t)
    {
        var area = s.Height * s.Width;
        var taps = s.Kernel * s.Kernel;
        var oStride = s.InChannels * taps;
        for (var tile = GridStride.Start; tile < t.Tiles; tile += GridStride.Step)
        {
            var columnTile = tile / t.RowTiles;
            var firstRow = (tile - columnTile * t.RowTiles) * Conv2dInputGradientShape.TileRows;
            var firstColumn = columnTile * Conv2dInputGradientShape.TileColumns;
            var r0 = firstRow < s.InChannels - Conv2dInputGradientShape.TileRows ? firstRow : s.InChannels - Conv2dInputGradientShape.TileRows;
            var c0 = firstColumn < s.Positions - Conv2dInputGradientShape.TileColumns ? firstColumn : s.Positions - Conv2dInputGradientShape.TileColumns;
            var n0 = c0 / area;
            var p0 = c0 - n0 * area;
            var acc = new InputGradientTile();
            for (var tap = 0; tap < taps; tap++)
            {
                var kh = tap / s.Kernel;
                var shift = (s.PadBefore - kh) * s.Width + s.PadBefore - (tap - kh * s.Kernel);
                // Sub-views with constant offsets: the compiler then sees one contiguous run (an index sum would be a gather).
                var inside = Row16.Load(edges.SubView(tap * t.EdgeRow + p0, Row16.Length), 0);
                // w[o, c, tap] for the tile's 8 channels, as two chains of four (one chain of eight becomes a gather)
                var a0 = r0 * taps + tap;
                var a1 = a0 + taps;
                var a2 = a1 + taps;
                var a3 = a2 + taps;
                var a4 = a0 + t.HalfTileStride;
                var a5 = a4 + taps;
                var a6 = a5 + taps;
                var a7 = a6 + taps;
                var b0 = t.Margin + c0 + shift;
                for (var o = 0; o < s.OutChannels; o++)
                {
                    var dz = Row16.WherePositive(Row16.Load(dzPadded.SubView(b0 + o * s.Positions, Row16.Length), 0), inside);
                    var ao = o * oStride;
                    acc.MultiplyAdd(weight[a0 + ao], weight[a1 + ao], weight[a2 + ao], weight[a3 + ao],
                        weight[a4 + ao], weight[a5 + ao], weight[a6 + ao], weight[a7 + ao], dz);
                }
            }
            acc.Store(dInput, r0, firstRow, c0, firstColumn, n0, p0, s);
        }
    }
}

/// <summary>
/// The 8 × 16 accumulators of one <see cref="Conv2dKernels.Conv2dInputGradient"/> tile: rows are input channels,
/// lanes consecutive positions of N·H·W (which may run from one image into the next).
/// </summary>
public struct InputGradientTile
{
    private Row16 row0, row1, row2, row3, row4, row5, row6, row7;

    /// <summary>Row r += w_r · dz.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void MultiplyAdd(float w0, float w1, float w2, float w3, float w4, float w5, float w6, float w7, Row16 dz)
    {
        row0 = Row16.MultiplyAdd(w0, dz, row0);
        row1 = Row16.MultiplyAdd(w1, dz, row1);
        row2 = Row16.MultiplyAdd(w2, dz, row2);
        row3 = Row16.MultiplyAdd(w3, dz, row3);
        row4 = Row16.MultiplyAdd(w4, dz, row4);
        row5 = Row16.MultiplyAdd(w5, dz, row5);
        row6 = Row16.MultiplyAdd(w6, dz, row6);
        row7 = Row16.MultiplyAdd(w7, dz, row7);
    }

    /// <summary>Writes the rows from <paramref name="firstRow"/> and the positions from <paramref name="firstColumn"/> (what this tile owns) into dx (N, C, H, W).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Store(ArrayView<float> dInput, int r0, int firstRow, int c0, int firstColumn, int n0, int p0, Conv2dShape s)
    {
        Store(dInput, r0, firstRow, c0, firstColumn, n0, p0, row0, s);
        Store(dInput, r0 + 1, firstRow, c0, firstColumn, n0, p0, row1, s);
        Store(dInput, r0 + 2, firstRow, c0, firstColumn, n0, p0, row2, s);
        Store(dInput, r0 + 3, firstRow, c0, firstColumn, n0, p0, row3, s);
        Store(dInput, r0 + 4, firstRow, c0, firstColumn, n0, p0, row4, s);
        Store(dInput, r0 + 5, firstRow, c0, firstColumn, n0, p0, row5, s);
        Store(dInput, r0 + 6, firstRow, c0, firstColumn, n0, p0, row6, s);
        Store(dInput, r0 + 7, firstRow, c0, firstColumn, n0, p0, row7, s);
    }

    private static void Store(ArrayView<float> dInput, int channel, int firstRow, int c0, int firstColumn, int n0, int p0, Row16 v, Conv2dShape s)
    {
        if (channel < firstRow)
            return;
        var area = s.Height * s.Width;
        if (c0 == firstColumn && p0 + Row16.Length <= area)
        {
            Row16.Store(dInput, (n0 * s.InChannels + channel) * area + p0, v);
            return;
        }
        var skip = firstColumn - c0;
        Put(dInput, channel, n0, p0, 0, skip, v.V0, s);
        Put(dInput, channel, n0, p0, 1, skip, v.V1, s);
        Put(dInput, channel, n0, p0, 2, skip, v.V2, s);
        Put(dInput, channel, n0, p0, 3, skip, v.V3, s);
        Put(dInput, channel, n0, p0, 4, skip, v.V4, s);
        Put(dInput, channel, n0, p0, 5, skip, v.V5, s);
        Put(dInput, channel, n0, p0, 6, skip, v.V6, s);
        Put(dInput, channel, n0, p0, 7, skip, v.V7, s);
        Put(dInput, channel, n0, p0, 8, skip, v.V8, s);
        Put(dInput, channel, n0, p0, 9, skip, v.V9, s);
        Put(dInput, channel, n0, p0, 10, skip, v.V10, s);
        Put(dInput, channel, n0, p0, 11, skip, v.V11, s);
        Put(dInput, channel, n0, p0, 12, skip, v.V12, s);
        Put(dInput, channel, n0, p0, 13, skip, v.V13, s);
        Put(dInput, channel, n0, p0, 14, skip, v.V14, s);
        Put(dInput, channel, n0, p0, 15, skip, v.V15, s);
    }

    // Lane i is position p0 + i of image n0, or of a later image past its end; lanes before `skip` belong to the tile before.
    private static void Put(ArrayView<float> dInput, int channel, int n0, int p0, int lane, int skip, float v, Conv2dShape s)
    {
        if (lane < skip)
            return;
        var area = s.Height * s.Width;
        var (n, p) = (n0, p0 + lane);
        while (p >= area)
        {
            p -= area;
            n++;
        }
        dInput[(n * s.InChannels + channel) * area + p] = v;
    }
}
