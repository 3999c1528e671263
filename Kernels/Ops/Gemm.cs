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
/// C (M×N) from A (M×K) · B (K×N), and what happens to each element of C (<see cref="GemmEpilogue"/>). Made by
/// <see cref="Product"/>, then <see cref="TransposedA"/> for A's layout and one of the others for what becomes of C
/// (each of those sets C's layout, bias and activation whole). A is read through two strides (row-major,
/// or transposed: a weight Wᵀ, a col or dz read the other way), B is always row-major with leading dimension Ldb, since
/// every B operand here is stored so (col, dzT, Wᵀ, X, W) and a tile's 16 columns are then 16 consecutive floats of one
/// row: one vector load per k on CPUs, coalesced loads on GPUs; the tile's 8 values of A are broadcast scalars.
/// </summary>
public readonly struct GemmShape
{
    public readonly int M;
    public readonly int N;
    public readonly int K;
    public readonly int ARowStride;
    public readonly int AColStride;
    public readonly int Ldb;
    public readonly int Epilogue;
    public readonly int CRowStride;
    public readonly int CColStride;
    public readonly int Relu;
    public readonly int BiasRowStep;
    public readonly int BiasColStep;
    public readonly int Area;

    /// <summary>
    /// 4·ARowStride: where the tile's second group of four rows starts. A field, not an expression, so that the
    /// OpenCL compiler cannot see the eight rows as one stride (it then gathers A instead of broadcasting it).
    /// </summary>
    public readonly int AHalfTileStride;

    private GemmShape(int m, int n, int k, int aRowStride, int aColStride, int ldb, GemmEpilogue epilogue,
        int cRowStride, int cColStride, bool relu, int biasRowStep, int biasColStep, int area)
    {
        (M, N, K, ARowStride, AColStride, Ldb) = (m, n, k, aRowStride, aColStride, ldb);
        (Epilogue, CRowStride, CColStride) = ((int)epilogue, cRowStride, cColStride);
        (Relu, BiasRowStep, BiasColStep, Area) = (relu ? 1 : 0, biasRowStep, biasColStep, area);
        AHalfTileStride = Tile8x16.Rows / 2 * aRowStride;
    }

    /// <summary>C (M×N) = A (M×K) · B (K×N), all three row-major.</summary>
    public static GemmShape Product(int m, int n, int k) => new(m, n, k, k, 1, n, GemmEpilogue.Store, n, 1, false, 0, 0, 1);

    /// <summary>A given as its transpose, (K×M) row-major.</summary>
    public GemmShape TransposedA() => new(M, N, K, 1, M, Ldb, (GemmEpilogue)Epilogue, CRowStride, CColStride, Relu != 0, BiasRowStep, BiasColStep, Area);

    /// <summary>C += the product (parameter gradients).</summary>
    public GemmShape Accumulating() => With(GemmEpilogue.Accumulate);

    /// <summary>Cᵀ += the product: C is stored (N×M) row-major (a convolution's dW from dWᵀ).</summary>
    public GemmShape AccumulatingTransposed() => new(M, N, K, ARowStride, AColStride, Ldb, GemmEpilogue.Accumulate, 1, M, false, 0, 0, 1);

    /// <summary>C = act(product + b[column]): a dense layer's forward, one bias per output column.</summary>
    public GemmShape WithBiasPerColumn(bool relu) => new(M, N, K, ARowStride, AColStride, Ldb, GemmEpilogue.BiasActivation, N, 1, relu, 0, 1, 1);

    /// <summary>C = act(product + b[row]), one bias per row.</summary>
    public GemmShape WithBiasPerRow(bool relu) => new(M, N, K, ARowStride, AColStride, Ldb, GemmEpilogue.BiasActivation, N, 1, relu, 1, 0, 1);

    /// <summary>
    /// A convolution's output: rows are output channels o, columns j = n·<paramref name="area"/> + p, written to
    /// (N, O, H, W) as act(product + b[o]).
    /// </summary>
    public GemmShape IntoNchw(int area, bool relu) => new(M, N, K, ARowStride, AColStride, Ldb, GemmEpilogue.BiasActivationNchw, 0, 0, relu, 0, 0, area);

    /// <summary>The same A and B layouts over <paramref name="k"/> of K's terms, stored row-major: one slice of a split K.</summary>
    public GemmShape Slice(int k) => new(M, N, k, ARowStride, AColStride, Ldb, GemmEpilogue.Store, N, 1, false, 0, 0, 1);

    private GemmShape With(GemmEpilogue epilogue) =>
        new(M, N, K, ARowStride, AColStride, Ldb, epilogue, CRowStride, CColStride, Relu != 0, BiasRowStep, BiasColStep, Area);

    public const int TileRows = Tile8x16.Rows;
    public const int TileColumns = Tile8x16.Columns;

    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int RowTiles => (M + TileRows - 1) / TileRows;
    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int ColumnTiles => (N + TileColumns - 1) / TileColumns;
    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int Tiles => RowTiles * ColumnTiles;

    public override string ToString() => $"{M}×{N}×{K} {(GemmEpilogue)Epilogue}";
}

/// <summary>
/// A register-tiled matrix product, the engine behind the im2col convolution and the dense layers.
/// Each work item owns an 8×16 tile of C and walks k in order (a fixed summation order: bit-repeatable).
/// Per k it loads 8 scalars of A and 16 consecutive floats of B and does 128 multiply-adds with them
/// (<see cref="Tile8x16"/>, the register tile the shifted-runs convolution shares), each a fused multiply-add
/// (<see cref="FusedMultiplyAdd"/>: one rounding; OpenCL <c>fma</c>, PTX <c>fma.rn.f32</c>).
/// On PoCL each tile row becomes one 16-lane vector FMA with its A value broadcast straight from memory,
/// and the 8 independent rows hide the FMA latency; the loop is kept bare (no clamping, no epilogue) and
/// the second group of four rows is offset by a shape field, because either change made LLVM gather A
/// and run at half the speed (docs/optimisation-log.md #19). On a GPU each work item is a thread with a big tile.
/// Consecutive work items take the row tiles of one column panel of B (K×16 floats), so that panel is read
/// from memory once and then from cache. A tile past the last row or column is moved back inside C: it
/// overlaps its neighbour, recomputes those elements bit for bit, and stores only its own.
/// C with fewer rows or columns than a tile goes to <see cref="GemmRows"/> (M &lt; 8) or <see cref="GemmElements"/>
/// (N &lt; 16), which sum in the same order and so give the same bits (<see cref="GemmPlan"/> picks the kernel).
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
            var r0 = Tile8x16.Inside(firstRow, s.M, GemmShape.TileRows);
            var c0 = Tile8x16.Inside(firstColumn, s.N, GemmShape.TileColumns);
            var rows = new TileRowOffsets(r0 * s.ARowStride, s.ARowStride, s.AHalfTileStride);
            var acc = default(Tile8x16);
            for (var k = 0; k < s.K; k++)
                acc.MultiplyAdd(a, rows, k * s.AColStride, Row16.Load(b, c0 + k * s.Ldb));
            var tile = new TileOrigin(r0, c0, firstRow, firstColumn, s);
            StoreRow(c, bias, tile, 0, acc.Row0, s);
            StoreRow(c, bias, tile, 1, acc.Row1, s);
            StoreRow(c, bias, tile, 2, acc.Row2, s);
            StoreRow(c, bias, tile, 3, acc.Row3, s);
            StoreRow(c, bias, tile, 4, acc.Row4, s);
            StoreRow(c, bias, tile, 5, acc.Row5, s);
            StoreRow(c, bias, tile, 6, acc.Row6, s);
            StoreRow(c, bias, tile, 7, acc.Row7, s);
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
            var c0 = Tile8x16.Inside(firstColumn, s.N, GemmShape.TileColumns);
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

/// <summary>The kernels that can compute a product (<see cref="GemmPlan"/> picks one).</summary>
public enum GemmPath
{
    /// <summary><see cref="GemmKernels.GemmSharedTiles"/>: blocks staged in shared memory, one thread per 4×4 elements (GPUs).</summary>
    SharedTiles,

    /// <summary><see cref="GemmKernels.GemmTiled"/>: an 8×16 register tile per work item (CPUs; at least 8 rows and 16 columns).</summary>
    RegisterTiles,

    /// <summary><see cref="GemmKernels.GemmRows"/>: one row × 16 columns per work item (CPUs, C under 8 rows; at least 16 columns).</summary>
    Rows,

    /// <summary><see cref="GemmKernels.GemmElements"/>: one element per work item (CPUs, C under 16 columns).</summary>
    Elements,
}

/// <summary>
/// How one product runs on one device: its kernel, and in how many slices of K (1: whole). Every path sums k in the
/// same order with one fused multiply-add per k, so all give the same bits, except split K, which adds the slices'
/// partial products in slice order. <see cref="For"/> picks the device's path; <see cref="Forced"/> takes a given one
/// (tests check every path on every backend) and refuses one that cannot run the shape.
/// </summary>
public sealed record GemmPlan
{
    public GemmShape Shape { get; }
    public GemmPath Path { get; }
    public int Slices { get; }

    private GemmPlan(GemmShape shape, GemmPath path, int slices) => (Shape, Path, Slices) = (shape, path, slices);

    /// <summary>
    /// GPUs take the shared-memory blocks for every shape; CPUs (PoCL, ILGPU's CPU accelerator) the register tiles, or
    /// rows or elements where C is smaller than a tile. K is split where the product accumulates (a weight gradient),
    /// has under 64 work items on a CPU and a long K (a first conv's sum over every position of the batch): too few
    /// tiles to keep the cores busy.
    /// </summary>
    public static GemmPlan For(DeviceInfo device, GemmShape s)
    {
        var path = device.IsGpu ? GemmPath.SharedTiles
            : s.N < GemmShape.TileColumns ? GemmPath.Elements
            : s.M < GemmShape.TileRows ? GemmPath.Rows
            : GemmPath.RegisterTiles;
        var workItems = s.N < GemmShape.TileColumns ? s.M * s.N : s.M < GemmShape.TileRows ? s.M * s.ColumnTiles : s.Tiles;
        var split = s.Epilogue == (int)GemmEpilogue.Accumulate && workItems < 64 && s.K >= 2 * KSliceLength;
        return new(s, path, split ? Math.Min(16, s.K / KSliceLength) : 1);
    }

    /// <summary>The shortest slice of K worth a product of its own.</summary>
    public const int KSliceLength = 4096;

    /// <summary>The given path and slices for <paramref name="s"/>; an <see cref="ArgumentException"/> where they cannot run it.</summary>
    public static GemmPlan Forced(GemmShape s, GemmPath path, int slices = 1)
    {
        if (path == GemmPath.RegisterTiles && (s.M < GemmShape.TileRows || s.N < GemmShape.TileColumns))
            throw new ArgumentException($"the register tiles need at least {GemmShape.TileRows} rows and {GemmShape.TileColumns} columns; C is {s.M}×{s.N}", nameof(path));
        if (path == GemmPath.Rows && s.N < GemmShape.TileColumns)
            throw new ArgumentException($"the rows kernel needs at least {GemmShape.TileColumns} columns; C is {s.M}×{s.N}", nameof(path));
        if (slices < 1 || slices > Math.Max(1, s.K))
            throw new ArgumentOutOfRangeException(nameof(slices), $"{slices} slices of K = {s.K}");
        if (slices > 1 && s.Epilogue != (int)GemmEpilogue.Accumulate)
            throw new ArgumentException("split K adds its slices into C: only an accumulating product can take it", nameof(slices));
        return new(s, path, slices);
    }

    /// <summary>The path's name as bench --layers and selftest print it.</summary>
    public string Name
    {
        get
        {
            var kernel = Path switch
            {
                GemmPath.SharedTiles => "shared-memory tiles",
                GemmPath.RegisterTiles => "register tiles",
                GemmPath.Rows => "rows",
                _ => "elements",
            };
            return Slices > 1 ? $"{kernel}, split-K {Slices}" : kernel;
        }
    }

    public override string ToString() => Name;
}

/// <summary>The matrix product and transpose as the convolution and dense ops call them. Its split-K partials live in a scratch buffer it owns.</summary>
public sealed class Gemm(ComputeDevice device) : IDisposable
{
    private readonly ScratchBuffer slices = new(device);

    /// <summary>This device's plan for <paramref name="s"/> (<see cref="GemmPlan.For"/>).</summary>
    public GemmPlan Plan(GemmShape s) => GemmPlan.For(device.Info, s);

    /// <summary>C from A·B as the plan's shape says, by the plan's path; <paramref name="bias"/> is read only by the bias epilogues (pass any view otherwise).</summary>
    public void Run(ArrayView<float> c, ArrayView<float> a, ArrayView<float> b, ArrayView<float> bias, GemmPlan plan)
    {
        var s = plan.Shape;
        if (plan.Slices == 1)
        {
            RunWhole(c, a, b, bias, s, plan.Path);
            return;
        }
        // Split K: each slice of K is a product of its own into a partial C, then the partials are added in slice
        // order and accumulated into C: a fixed order, so still bit-repeatable.
        var sliceLength = (s.K + plan.Slices - 1) / plan.Slices;
        var partials = slices.Get((long)plan.Slices * s.M * s.N);
        for (var slice = 0; slice < plan.Slices; slice++)
        {
            var k0 = slice * sliceLength;
            var length = Math.Min(sliceLength, s.K - k0);
            var (aOffset, bOffset) = ((long)k0 * s.AColStride, (long)k0 * s.Ldb);
            RunWhole(partials.SubView((long)slice * s.M * s.N, (long)s.M * s.N), a.SubView(aOffset, a.Length - aOffset),
                b.SubView(bOffset, b.Length - bOffset), bias, s.Slice(length), plan.Path);
        }
        device.Run(GemmKernels.GemmAddSlices, device.Launch((long)s.M * s.N), c, partials, plan.Slices, s);
    }

    private void RunWhole(ArrayView<float> c, ArrayView<float> a, ArrayView<float> b, ArrayView<float> bias, GemmShape s, GemmPath path)
    {
        switch (path)
        {
            case GemmPath.SharedTiles:
                var (config, tiles) = device.LaunchSharedTiles(s);
                device.Run(GemmKernels.GemmSharedTiles, config, c, a, b, bias, s, tiles);
                break;
            case GemmPath.Elements:
                device.Run(GemmKernels.GemmElements, device.Launch((long)s.M * s.N), c, a, b, bias, s);
                break;
            case GemmPath.Rows:
                device.Run(GemmKernels.GemmRows, device.LaunchTiles((long)s.M * s.ColumnTiles), c, a, b, bias, s);
                break;
            default:
                device.Run(GemmKernels.GemmTiled, device.LaunchTiles(s.Tiles), c, a, b, bias, s);
                break;
        }
    }

    public void Transpose(ArrayView<float> output, ArrayView<float> input, TransposeShape s) =>
        device.Run(GemmKernels.TransposeMatrix, device.Launch(s.Length), output, input, s);

    public void Dispose() => slices.Dispose();
}
