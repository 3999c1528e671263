using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using static IlgpuSiamese.Kernels.FusedMultiplyAdd;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>What a GEMM does with each finished element v of row r, column j.</summary>
public enum GemmEpilogue
{
    /// <summary>c[r·RowStride + j·ColStride] = v.</summary>
    Store = 0,

    /// <summary>c[r·RowStride + j·ColStride] += v (parameter gradients).</summary>
    Accumulate = 1,

    /// <summary>c[r·RowStride + j·ColStride] = act(v + bias[r·BiasRowStep + j·BiasColStep]).</summary>
    BiasActivation = 2,

    /// <summary>
    /// Convolution output: rows are output channels o (M = O), columns j = n·Area + p; writes
    /// c[(n·M + o)·Area + p] = act(v + bias[o]), i.e. (N, O, H, W).
    /// </summary>
    BiasActivationNchw = 3,
}

/// <summary>
/// C (M×N) from A (M×K) · B (K×N). A is read through strides (any layout, also transposed); B is row-major
/// with leading dimension Ldb. What happens to each element of C is the <see cref="GemmEpilogue"/>.
/// </summary>
public readonly struct GemmShape(int m, int n, int k, int aRowStride, int aColStride, int ldb, GemmEpilogue epilogue,
    int cRowStride, int cColStride, bool relu = false, int biasRowStep = 0, int biasColStep = 0, int area = 1)
{
    public readonly int M = m;
    public readonly int N = n;
    public readonly int K = k;
    public readonly int ARowStride = aRowStride;
    public readonly int AColStride = aColStride;
    public readonly int Ldb = ldb;
    public readonly int Epilogue = (int)epilogue;
    public readonly int CRowStride = cRowStride;
    public readonly int CColStride = cColStride;
    public readonly int Relu = relu ? 1 : 0;
    public readonly int BiasRowStep = biasRowStep;
    public readonly int BiasColStep = biasColStep;
    public readonly int Area = area;

    /// <summary>
    /// 4·ARowStride: where the tile's second group of four rows starts. A field, not an expression, so that the
    /// OpenCL compiler cannot see the eight rows as one stride (it then gathers A instead of broadcasting it).
    /// </summary>
    public readonly int AHalfTileStride = 4 * aRowStride;

    public const int TileRows = 8;
    public const int TileColumns = 16;

    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int RowTiles => (M + TileRows - 1) / TileRows;
    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int ColumnTiles => (N + TileColumns - 1) / TileColumns;
    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int Tiles => RowTiles * ColumnTiles;

    /// <summary>
    /// The work items of the kernel that computes this product: one per element when C has under 16 columns
    /// (<see cref="GemmKernels.GemmElements"/>), one per row and 16 columns when under 8 rows
    /// (<see cref="GemmKernels.GemmRows"/>), else one per tile (<see cref="GemmKernels.GemmTiled"/>).
    /// </summary>
    public int WorkItems => N < TileColumns ? M * N : M < TileRows ? M * ColumnTiles : Tiles;


}

/// <summary>
/// A register-tiled matrix product, the engine behind the im2col convolution and the dense layers.
/// Each work item owns an 8×16 tile of C and walks k in order (a fixed summation order: bit-repeatable).
/// Per k it loads 8 scalars of A and 16 consecutive floats of B and does 128 multiply-adds with them, each
/// a fused multiply-add (<see cref="FusedMultiplyAdd"/>: one rounding; OpenCL <c>fma</c>, PTX <c>fma.rn.f32</c>).
/// On PoCL each tile row becomes one 16-lane vector FMA with its A value broadcast straight from memory,
/// and the 8 independent rows hide the FMA latency; the loop is kept bare (no clamping, no epilogue) and
/// the second group of four rows is offset by a shape field, because either change made LLVM gather A
/// and run at half the speed (docs/optimisation-log.md #19). On a GPU each work item is a thread with a big tile.
/// Consecutive work items take the row tiles of one column panel of B (K×16 floats), so that panel is read
/// from memory once and then from cache. A tile past the last row or column is moved back inside C: it
/// overlaps its neighbour, recomputes those elements bit for bit, and stores only its own.
/// C with fewer rows or columns than a tile goes to <see cref="GemmRows"/> (M &lt; 8) or <see cref="GemmElements"/>
/// (N &lt; 16), which sum in the same order and so give the same bits.
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static partial class GemmKernels
{
    // a: (M, K) through strides  b: (K, N) row-major, ldb  c: see GemmEpilogue; needs M >= 8 and N >= 16
    public static void GemmTiled(ArrayView<float> c, ArrayView<float> a, ArrayView<float> b, ArrayView<float> bias, GemmShape s)
    {
        var rowTiles = s.RowTiles;
        for (var t = GridStride.Start; t < s.Tiles; t += GridStride.Step)
        {
            var columnTile = t / rowTiles;
            var firstRow = (t - columnTile * rowTiles) * GemmShape.TileRows;
            var firstColumn = columnTile * GemmShape.TileColumns;
            var r0 = firstRow < s.M - GemmShape.TileRows ? firstRow : s.M - GemmShape.TileRows;
            var c0 = firstColumn < s.N - GemmShape.TileColumns ? firstColumn : s.N - GemmShape.TileColumns;
            var a0 = r0 * s.ARowStride;
            var a1 = a0 + s.ARowStride;
            var a2 = a1 + s.ARowStride;
            var a3 = a2 + s.ARowStride;
            var a4 = a0 + s.AHalfTileStride;
            var a5 = a4 + s.ARowStride;
            var a6 = a5 + s.ARowStride;
            var a7 = a6 + s.ARowStride;
            var acc0 = default(Row16);
            var acc1 = default(Row16);
            var acc2 = default(Row16);
            var acc3 = default(Row16);
            var acc4 = default(Row16);
            var acc5 = default(Row16);
            var acc6 = default(Row16);
            var acc7 = default(Row16);
            for (var k = 0; k < s.K; k++)
            {
                var ak = k * s.AColStride;
                var bk = Row16.Load(b, c0 + k * s.Ldb);
                acc0 = Row16.MultiplyAdd(a[a0 + ak], bk, acc0);
                acc1 = Row16.MultiplyAdd(a[a1 + ak], bk, acc1);
                acc2 = Row16.MultiplyAdd(a[a2 + ak], bk, acc2);
                acc3 = Row16.MultiplyAdd(a[a3 + ak], bk, acc3);
                acc4 = Row16.MultiplyAdd(a[a4 + ak], bk, acc4);
                acc5 = Row16.MultiplyAdd(a[a5 + ak], bk, acc5);
                acc6 = Row16.MultiplyAdd(a[a6 + ak], bk, acc6);
                acc7 = Row16.MultiplyAdd(a[a7 + ak], bk, acc7);
            }
            var tile = new TileOrigin(r0, c0, firstRow, firstColumn, s);
            StoreRow(c, bias, tile, 0, acc0, s);
            StoreRow(c, bias, tile, 1, acc1, s);
            StoreRow(c, bias, tile, 2, acc2, s);
            StoreRow(c, bias, tile, 3, acc3, s);
            StoreRow(c, bias, tile, 4, acc4, s);
            StoreRow(c, bias, tile, 5, acc5, s);
            StoreRow(c, bias, tile, 6, acc6, s);
            StoreRow(c, bias, tile, 7, acc7, s);
        }
    }

    // The same product for C with fewer than 8 rows (and at least 16 columns): one work item per row and run
    // of 16 columns (the last run moved back inside C, as the tiles are), k in the same order.
    public static void GemmRows(ArrayView<float> c, ArrayView<float> a, ArrayView<float> b, ArrayView<float> bias, GemmShape s)
    {
        var columnTiles = s.ColumnTiles;
        for (var t = GridStride.Start; t < s.M * columnTiles; t += GridStride.Step)
        {
            var row = t / columnTiles;
            var firstColumn = (t - row * columnTiles) * GemmShape.TileColumns;
            var c0 = firstColumn < s.N - GemmShape.TileColumns ? firstColumn : s.N - GemmShape.TileColumns;
            var acc = default(Row16);
            for (var k = 0; k < s.K; k++)
                acc = Row16.MultiplyAdd(a[row * s.ARowStride + k * s.AColStride], Row16.Load(b, c0 + k * s.Ldb), acc);
            StoreRow(c, bias, new TileOrigin(row, c0, row, firstColumn, s), 0, acc, s);
        }
    }

    // The same product for C with fewer than 16 columns: one element per work item, k in the same order.
    public static void GemmElements(ArrayView<float> c, ArrayView<float> a, ArrayView<float> b, ArrayView<float> bias, GemmShape s)
    {
        for (var e = GridStride.Start; e < s.M * s.N; e += GridStride.Step)
        {
            var row = e / s.N;
            var column = e - row * s.N;
            var sum = 0f;
            for (var k = 0; k < s.K; k++)
                sum = MultiplyAdd(a[row * s.ARowStride + k * s.AColStride], b[k * s.Ldb + column], sum);
            var n = column / s.Area;
            if (s.Epilogue == (int)GemmEpilogue.BiasActivationNchw)
                EmitNchw(c, bias, row, n, column - n * s.Area, sum, s);
            else
                Emit(c, bias, row, column, sum, s);
        }
    }

    // partials: (slices, M, N)  c += Σ_slice partials[slice] in slice order, through C's strides (the Accumulate epilogue)
    public static void GemmAddSlices(ArrayView<float> c, ArrayView<float> partials, int slices, GemmShape s)
    {
        for (var e = GridStride.Start; e < s.M * s.N; e += GridStride.Step)
        {
            var sum = 0f;
            for (var slice = 0; slice < slices; slice++)
                sum += partials[slice * s.M * s.N + e];
            var row = e / s.N;
            c[row * s.CRowStride + (e - row * s.N) * s.CColStride] += sum;
        }
    }

    // x: (R, C)  y: (C, R)   y[j,i] = x[i,j]; walked in y's order (contiguous writes)
    public static void TransposeMatrix(ArrayView<float> output, ArrayView<float> input, TransposeShape s)
    {
        for (var i = GridStride.Start; i < s.Length; i += GridStride.Step)
        {
            var j = i / s.Rows;
            var r = i - j * s.Rows;
            output[i] = input[r * s.Columns + j];
        }
    }

    // Row i of the tile: the elements it owns (not its neighbour's) get the epilogue.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(ArrayView<float> c, ArrayView<float> bias, TileOrigin tile, int i, Row16 acc, GemmShape s)
    {
        var row = tile.Row + i;
        if (row < tile.FirstRow)
            return;
        // A row of 16 owned columns that are 16 consecutive floats of C is written as one run (a vector store
        // on PoCL); anything else element by element.
        if (tile.Column == tile.FirstColumn)
        {
            if (s.Epilogue == (int)GemmEpilogue.BiasActivationNchw && tile.Position + GemmShape.TileColumns <= s.Area)
            {
                Row16.Store(c, (tile.Image * s.M + row) * s.Area + tile.Position, Row16.Activate(acc, bias[row], s.Relu));
                return;
            }
            if (s.CColStride == 1 && s.Epilogue == (int)GemmEpilogue.Store)
            {
                Row16.Store(c, row * s.CRowStride + tile.Column, acc);
                return;
            }
            if (s.CColStride == 1 && s.Epilogue == (int)GemmEpilogue.Accumulate)
            {
                var index = row * s.CRowStride + tile.Column;
                Row16.Store(c, index, Row16.Add(acc, Row16.Load(c, index)));
                return;
            }
        }
        EmitOwned(c, bias, tile, row, 0, acc.V0, s);
        EmitOwned(c, bias, tile, row, 1, acc.V1, s);
        EmitOwned(c, bias, tile, row, 2, acc.V2, s);
        EmitOwned(c, bias, tile, row, 3, acc.V3, s);
        EmitOwned(c, bias, tile, row, 4, acc.V4, s);
        EmitOwned(c, bias, tile, row, 5, acc.V5, s);
        EmitOwned(c, bias, tile, row, 6, acc.V6, s);
        EmitOwned(c, bias, tile, row, 7, acc.V7, s);
        EmitOwned(c, bias, tile, row, 8, acc.V8, s);
        EmitOwned(c, bias, tile, row, 9, acc.V9, s);
        EmitOwned(c, bias, tile, row, 10, acc.V10, s);
        EmitOwned(c, bias, tile, row, 11, acc.V11, s);
        EmitOwned(c, bias, tile, row, 12, acc.V12, s);
        EmitOwned(c, bias, tile, row, 13, acc.V13, s);
        EmitOwned(c, bias, tile, row, 14, acc.V14, s);
        EmitOwned(c, bias, tile, row, 15, acc.V15, s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EmitOwned(ArrayView<float> c, ArrayView<float> bias, TileOrigin tile, int row, int i, float v, GemmShape s)
    {
        var column = tile.Column + i;
        if (column < tile.FirstColumn)
            return;
        if (s.Epilogue != (int)GemmEpilogue.BiasActivationNchw)
        {
            Emit(c, bias, row, column, v, s);
            return;
        }
        // column = n·Area + p, from the tile's first column without a division per element
        var n = tile.Image;
        var p = tile.Position + i;
        while (p >= s.Area)
        {
            p -= s.Area;
            n++;
        }
        EmitNchw(c, bias, row, n, p, v, s);
    }

    // Element (row, column) of C gets the Store, Accumulate or BiasActivation epilogue.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Emit(ArrayView<float> c, ArrayView<float> bias, int row, int column, float v, GemmShape s)
    {
        var index = row * s.CRowStride + column * s.CColStride;
        if (s.Epilogue == (int)GemmEpilogue.Store)
            c[index] = v;
        else if (s.Epilogue == (int)GemmEpilogue.Accumulate)
            c[index] += v;
        else
        {
            c[index] = Row16.Activate(v + bias[row * s.BiasRowStep + column * s.BiasColStep], s.Relu);
        }
    }

    // Element (row = o, column = n·Area + p) of C, written to (N, O, H, W) with bias and activation.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EmitNchw(ArrayView<float> c, ArrayView<float> bias, int row, int n, int p, float v, GemmShape s)
    {
        c[(n * s.M + row) * s.Area + p] = Row16.Activate(v + bias[row], s.Relu);
    }
}
// Stryker restore all

/// <summary>
/// Where a GEMM tile's registers sit in C (Row, Column) and the first row and column it stores; for the
/// NCHW epilogue its first column as image and position (Column = Image·Area + Position).
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public readonly struct TileOrigin(int row, int column, int firstRow, int firstColumn, GemmShape s)
{
    public readonly int Row = row;
    public readonly int Column = column;
    public readonly int FirstRow = firstRow;
    public readonly int FirstColumn = firstColumn;
    public readonly int Image = column / s.Area;
    public readonly int Position = column - column / s.Area * s.Area;
}
// Stryker restore all

/// <summary>Out-of-place transpose: y (Cols×Rows) from x (Rows×Cols), both row-major.</summary>
public readonly struct TransposeShape(int rows, int columns)
{
    public readonly int Rows = rows;
    public readonly int Columns = columns;

    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int Length => Rows * Columns;
}

/// <summary>The matrix product and transpose as the convolution and dense ops call them.</summary>
public sealed class Gemm(ComputeDevice device)
{
    private readonly ScratchBuffer slices = new(device);

    /// <summary>C from A·B as <paramref name="s"/> says; <paramref name="bias"/> is read only by the bias epilogues (pass any view otherwise).</summary>
    public void Run(ArrayView<float> c, ArrayView<float> a, ArrayView<float> b, ArrayView<float> bias, GemmShape s)
    {
        var slicing = KSlices(s);
        if (slicing == 1)
        {
            RunWhole(c, a, b, bias, s);
            return;
        }
        // Split K: a weight gradient with a long sum (a first conv's, over every position of the batch) has too
        // few tiles to keep the cores busy. Each slice of K is a product of its own into a partial C, then the
        // partials are added in slice order and accumulated into C: a fixed order, so still bit-repeatable.
        var sliceLength = (s.K + slicing - 1) / slicing;
        var partials = slices.Get((long)slicing * s.M * s.N);
        for (var slice = 0; slice < slicing; slice++)
        {
            var k0 = slice * sliceLength;
            var length = Math.Min(sliceLength, s.K - k0);
            var (aOffset, bOffset) = ((long)k0 * s.AColStride, (long)k0 * s.Ldb);
            RunWhole(partials.SubView((long)slice * s.M * s.N, (long)s.M * s.N), a.SubView(aOffset, a.Length - aOffset),
                b.SubView(bOffset, b.Length - bOffset), bias,
                new GemmShape(s.M, s.N, length, s.ARowStride, s.AColStride, s.Ldb, GemmEpilogue.Store, s.N, 1));
        }
        device.Run(GemmKernels.GemmAddSlices, device.Launch((long)s.M * s.N), c, partials, slicing, s);
    }

    // K is split when the product accumulates into C (a weight gradient), has under 64 work items and K is long.
    private static int KSlices(GemmShape s)
    {
        if (s.Epilogue != (int)GemmEpilogue.Accumulate || s.WorkItems >= 64 || s.K < 2 * KSliceLength)
            return 1;
        return Math.Min(16, s.K / KSliceLength);
    }

    /// <summary>The shortest slice of K worth a product of its own.</summary>
    private const int KSliceLength = 4096;

    // GPUs take the shared-memory blocks for every shape; CPUs (PoCL, ILGPU's CPU accelerator) the register tiles.
    private void RunWhole(ArrayView<float> c, ArrayView<float> a, ArrayView<float> b, ArrayView<float> bias, GemmShape s)
    {
        if (device.Info.IsGpu)
        {
            var (config, tiles) = device.LaunchSharedTiles(s);
            device.Run(GemmKernels.GemmSharedTiles, config, c, a, b, bias, s, tiles);
        }
        else if (s.N < GemmShape.TileColumns)
            device.Run(GemmKernels.GemmElements, device.Launch(s.WorkItems), c, a, b, bias, s);
        else if (s.M < GemmShape.TileRows)
            device.Run(GemmKernels.GemmRows, device.LaunchTiles(s.WorkItems), c, a, b, bias, s);
        else
            device.Run(GemmKernels.GemmTiled, device.LaunchTiles(s.WorkItems), c, a, b, bias, s);
    }

    public void Transpose(ArrayView<float> output, ArrayView<float> input, TransposeShape s) =>
        device.Run(GemmKernels.TransposeMatrix, device.Launch(s.Length), output, input, s);
}
