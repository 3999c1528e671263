using System.Runtime.CompilerServices;
using ILGPU;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>
/// The register tile of the CPU kernels (<see cref="GemmKernels.GemmTiled"/>, <see cref="Conv2dKernels.Conv2dShiftedRuns"/>):
/// 8 rows × 16 consecutive columns of sums, one <see cref="Row16"/> per row. Per step of the sum each row adds a scalar
/// of A (its row's) times one run of 16 floats: on PoCL each row is one 16-lane vector FMA with its scalar broadcast
/// straight from memory, and the 8 independent rows hide the FMA latency.
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public struct Tile8x16
{
    public const int Rows = 8, Columns = Row16.Length;

    public Row16 Row0, Row1, Row2, Row3, Row4, Row5, Row6, Row7;

    /// <summary>
    /// Where a tile starting at <paramref name="first"/> sits when moved back inside <paramref name="extent"/> rows or
    /// columns: the last tile overlaps its neighbour, recomputes those elements bit for bit and stores only its own.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Inside(int first, int extent, int size) => first < extent - size ? first : extent - size;

    /// <summary>Row r += a[rows.A_r + offset] · run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void MultiplyAdd(ArrayView<float> a, TileRowOffsets rows, int offset, Row16 run)
    {
        Row0 = Row16.MultiplyAdd(a[rows.A0 + offset], run, Row0);
        Row1 = Row16.MultiplyAdd(a[rows.A1 + offset], run, Row1);
        Row2 = Row16.MultiplyAdd(a[rows.A2 + offset], run, Row2);
        Row3 = Row16.MultiplyAdd(a[rows.A3 + offset], run, Row3);
        Row4 = Row16.MultiplyAdd(a[rows.A4 + offset], run, Row4);
        Row5 = Row16.MultiplyAdd(a[rows.A5 + offset], run, Row5);
        Row6 = Row16.MultiplyAdd(a[rows.A6 + offset], run, Row6);
        Row7 = Row16.MultiplyAdd(a[rows.A7 + offset], run, Row7);
    }

    /// <summary>Row r = act(row r + b[r0 + r]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Activate(ArrayView<float> bias, int r0, int relu)
    {
        Row0 = Row16.Activate(Row0, bias[r0], relu);
        Row1 = Row16.Activate(Row1, bias[r0 + 1], relu);
        Row2 = Row16.Activate(Row2, bias[r0 + 2], relu);
        Row3 = Row16.Activate(Row3, bias[r0 + 3], relu);
        Row4 = Row16.Activate(Row4, bias[r0 + 4], relu);
        Row5 = Row16.Activate(Row5, bias[r0 + 5], relu);
        Row6 = Row16.Activate(Row6, bias[r0 + 6], relu);
        Row7 = Row16.Activate(Row7, bias[r0 + 7], relu);
    }
}

/// <summary>
/// Where a tile's 8 rows start in A: A0 and a row stride, as two chains of four, the second from A0 plus
/// <c>halfTileStride</c> (4 row strides, passed in from a shape field). Written as one chain of eight, or with
/// 4·stride computed here, the OpenCL compiler sees the 8 rows as one stride and gathers A instead of broadcasting it, at
/// half the speed (docs/optimisation-log.md #19); scripts/pocl-codegen-check.sh checks the compiled kernels.
/// </summary>
public readonly struct TileRowOffsets
{
    public readonly int A0, A1, A2, A3, A4, A5, A6, A7;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public TileRowOffsets(int a0, int rowStride, int halfTileStride)
    {
        A0 = a0;
        A1 = A0 + rowStride;
        A2 = A1 + rowStride;
        A3 = A2 + rowStride;
        A4 = A0 + halfTileStride;
        A5 = A4 + rowStride;
        A6 = A5 + rowStride;
        A7 = A6 + rowStride;
    }
}
// Stryker restore all
