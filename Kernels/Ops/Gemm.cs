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

    public const int TileRows = 4;
    public const int TileColumns = 16;

    public int RowTiles => (M + TileRows - 1) / TileRows;
    public int ColumnTiles => (N + TileColumns - 1) / TileColumns;
    public int Tiles => RowTiles * ColumnTiles;
}

/// <summary>Sixteen consecutive floats held in registers: one row of a GEMM's register tile.</summary>
public struct Row16
{
    public float V0;
    public float V1;
    public float V2;
    public float V3;
    public float V4;
    public float V5;
    public float V6;
    public float V7;
    public float V8;
    public float V9;
    public float V10;
    public float V11;
    public float V12;
    public float V13;
    public float V14;
    public float V15;
}

/// <summary>
/// A register-tiled matrix product, the engine behind the im2col convolution and the dense layers.
/// Each work item owns 4×16 outputs and walks k in order (a fixed summation order: bit-repeatable). Per
/// k it loads 4 scalars of A and 16 consecutive floats of B and does 64 multiply-adds with them, each a
/// fused multiply-add (<see cref="FusedMultiplyAdd"/>: one rounding; OpenCL <c>fma</c>, PTX <c>fma.rn.f32</c>).
/// The 16 independent accumulators in straight-line code are what a CPU OpenCL compiler (PoCL/LLVM) turns
/// into one 16-lane vector FMA per row; on a GPU each work item is simply a thread with a big tile.
/// Consecutive work items take the row tiles of one column panel of B (K×16 floats), so that panel is read
/// from memory once and then from cache (measured 1.2× on the flat tower's step: docs/optimisation-log.md).
/// Tiles whose 16 columns run past N take a second loop with clamped (never out-of-range) loads; the
/// extra columns are computed and dropped.
/// </summary>
public static class GemmKernels
{
    // a: (M, K) through strides  b: (K, N) row-major, ldb  c: see GemmEpilogue
    public static void GemmTiled(ArrayView<float> c, ArrayView<float> a, ArrayView<float> b, ArrayView<float> bias, GemmShape s)
    {
        var rowTiles = s.RowTiles;
        for (var t = GridStride.Start; t < s.Tiles; t += GridStride.Step)
        {
            var columnTile = t / rowTiles;
            var r0 = (t - columnTile * rowTiles) * GemmShape.TileRows;
            var c0 = columnTile * GemmShape.TileColumns;
            // Row i of the tile at (r0+i)·ARowStride, clamped to the last row; k at k·AColStride.
            var lastRow = s.M - 1;
            var a0 = (r0 < lastRow ? r0 : lastRow) * s.ARowStride;
            var a1 = (r0 + 1 < lastRow ? r0 + 1 : lastRow) * s.ARowStride;
            var a2 = (r0 + 2 < lastRow ? r0 + 2 : lastRow) * s.ARowStride;
            var a3 = (r0 + 3 < lastRow ? r0 + 3 : lastRow) * s.ARowStride;
            var acc0 = default(Row16);
            var acc1 = default(Row16);
            var acc2 = default(Row16);
            var acc3 = default(Row16);
            if (c0 + GemmShape.TileColumns <= s.N)
            {
                for (var k = 0; k < s.K; k++)
                {
                    var ak = k * s.AColStride;
                    var bk = Load(b, k * s.Ldb + c0);
                    acc0 = Fma(acc0, a[a0 + ak], bk);
                    acc1 = Fma(acc1, a[a1 + ak], bk);
                    acc2 = Fma(acc2, a[a2 + ak], bk);
                    acc3 = Fma(acc3, a[a3 + ak], bk);
                }
            }
            else
            {
                for (var k = 0; k < s.K; k++)
                {
                    var ak = k * s.AColStride;
                    var bk = LoadClamped(b, k * s.Ldb, c0, s.N - 1);
                    acc0 = Fma(acc0, a[a0 + ak], bk);
                    acc1 = Fma(acc1, a[a1 + ak], bk);
                    acc2 = Fma(acc2, a[a2 + ak], bk);
                    acc3 = Fma(acc3, a[a3 + ak], bk);
                }
            }
            StoreRow(c, bias, r0, c0, acc0, s);
            StoreRow(c, bias, r0 + 1, c0, acc1, s);
            StoreRow(c, bias, r0 + 2, c0, acc2, s);
            StoreRow(c, bias, r0 + 3, c0, acc3, s);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Row16 Load(ArrayView<float> b, int i)
    {
        Row16 r;
        r.V0 = b[i + 0];
        r.V1 = b[i + 1];
        r.V2 = b[i + 2];
        r.V3 = b[i + 3];
        r.V4 = b[i + 4];
        r.V5 = b[i + 5];
        r.V6 = b[i + 6];
        r.V7 = b[i + 7];
        r.V8 = b[i + 8];
        r.V9 = b[i + 9];
        r.V10 = b[i + 10];
        r.V11 = b[i + 11];
        r.V12 = b[i + 12];
        r.V13 = b[i + 13];
        r.V14 = b[i + 14];
        r.V15 = b[i + 15];
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Row16 LoadClamped(ArrayView<float> b, int row, int c0, int last)
    {
        Row16 r;
        r.V0 = b[row + (c0 + 0 < last ? c0 + 0 : last)];
        r.V1 = b[row + (c0 + 1 < last ? c0 + 1 : last)];
        r.V2 = b[row + (c0 + 2 < last ? c0 + 2 : last)];
        r.V3 = b[row + (c0 + 3 < last ? c0 + 3 : last)];
        r.V4 = b[row + (c0 + 4 < last ? c0 + 4 : last)];
        r.V5 = b[row + (c0 + 5 < last ? c0 + 5 : last)];
        r.V6 = b[row + (c0 + 6 < last ? c0 + 6 : last)];
        r.V7 = b[row + (c0 + 7 < last ? c0 + 7 : last)];
        r.V8 = b[row + (c0 + 8 < last ? c0 + 8 : last)];
        r.V9 = b[row + (c0 + 9 < last ? c0 + 9 : last)];
        r.V10 = b[row + (c0 + 10 < last ? c0 + 10 : last)];
        r.V11 = b[row + (c0 + 11 < last ? c0 + 11 : last)];
        r.V12 = b[row + (c0 + 12 < last ? c0 + 12 : last)];
        r.V13 = b[row + (c0 + 13 < last ? c0 + 13 : last)];
        r.V14 = b[row + (c0 + 14 < last ? c0 + 14 : last)];
        r.V15 = b[row + (c0 + 15 < last ? c0 + 15 : last)];
        return r;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Row16 Fma(Row16 acc, float a, Row16 b)
    {
        acc.V0 = MultiplyAdd(a, b.V0, acc.V0);
        acc.V1 = MultiplyAdd(a, b.V1, acc.V1);
        acc.V2 = MultiplyAdd(a, b.V2, acc.V2);
        acc.V3 = MultiplyAdd(a, b.V3, acc.V3);
        acc.V4 = MultiplyAdd(a, b.V4, acc.V4);
        acc.V5 = MultiplyAdd(a, b.V5, acc.V5);
        acc.V6 = MultiplyAdd(a, b.V6, acc.V6);
        acc.V7 = MultiplyAdd(a, b.V7, acc.V7);
        acc.V8 = MultiplyAdd(a, b.V8, acc.V8);
        acc.V9 = MultiplyAdd(a, b.V9, acc.V9);
        acc.V10 = MultiplyAdd(a, b.V10, acc.V10);
        acc.V11 = MultiplyAdd(a, b.V11, acc.V11);
        acc.V12 = MultiplyAdd(a, b.V12, acc.V12);
        acc.V13 = MultiplyAdd(a, b.V13, acc.V13);
        acc.V14 = MultiplyAdd(a, b.V14, acc.V14);
        acc.V15 = MultiplyAdd(a, b.V15, acc.V15);
        return acc;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(ArrayView<float> c, ArrayView<float> bias, int row, int c0, Row16 acc, GemmShape s)
    {
        if (row >= s.M)
            return;
        Emit(c, bias, row, c0 + 0, acc.V0, s);
        Emit(c, bias, row, c0 + 1, acc.V1, s);
        Emit(c, bias, row, c0 + 2, acc.V2, s);
        Emit(c, bias, row, c0 + 3, acc.V3, s);
        Emit(c, bias, row, c0 + 4, acc.V4, s);
        Emit(c, bias, row, c0 + 5, acc.V5, s);
        Emit(c, bias, row, c0 + 6, acc.V6, s);
        Emit(c, bias, row, c0 + 7, acc.V7, s);
        Emit(c, bias, row, c0 + 8, acc.V8, s);
        Emit(c, bias, row, c0 + 9, acc.V9, s);
        Emit(c, bias, row, c0 + 10, acc.V10, s);
        Emit(c, bias, row, c0 + 11, acc.V11, s);
        Emit(c, bias, row, c0 + 12, acc.V12, s);
        Emit(c, bias, row, c0 + 13, acc.V13, s);
        Emit(c, bias, row, c0 + 14, acc.V14, s);
        Emit(c, bias, row, c0 + 15, acc.V15, s);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Emit(ArrayView<float> c, ArrayView<float> bias, int row, int column, float v, GemmShape s)
    {
        if (column >= s.N)
            return;
        if (s.Epilogue == (int)GemmEpilogue.BiasActivationNchw)
        {
            var n = column / s.Area;
            var sum = v + bias[row];
            c[(n * s.M + row) * s.Area + column - n * s.Area] = s.Relu != 0 && sum < 0f ? 0f : sum;
            return;
        }
        var index = row * s.CRowStride + column * s.CColStride;
        if (s.Epilogue == (int)GemmEpilogue.Store)
            c[index] = v;
        else if (s.Epilogue == (int)GemmEpilogue.Accumulate)
            c[index] += v;
        else
        {
            var sum = v + bias[row * s.BiasRowStep + column * s.BiasColStep];
            c[index] = s.Relu != 0 && sum < 0f ? 0f : sum;
        }
    }
}

/// <summary>Out-of-place transpose: y (Cols×Rows) from x (Rows×Cols), both row-major.</summary>
public readonly struct TransposeShape(int rows, int columns)
{
    public readonly int Rows = rows;
    public readonly int Columns = columns;

    public int Length => Rows * Columns;
}

/// <summary>The matrix product and transpose as the convolution and dense ops call them.</summary>
public sealed class Gemm(ComputeDevice device)
{
    /// <summary>C from A·B as <paramref name="s"/> says; <paramref name="bias"/> is read only by the bias epilogues (pass any view otherwise).</summary>
    public void Run(ArrayView<float> c, ArrayView<float> a, ArrayView<float> b, ArrayView<float> bias, GemmShape s) =>
        device.Run(GemmKernels.GemmTiled, device.LaunchTiles(s.Tiles), c, a, b, bias, s);

    public void Transpose(ArrayView<float> output, ArrayView<float> input, TransposeShape s) =>
        device.Run(GemmKernels.TransposeMatrix, device.Launch(s.Length), output, input, s);
}
