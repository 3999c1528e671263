using System.Runtime.CompilerServices;
using ILGPU;
using static IlgpuSiamese.Kernels.FusedMultiplyAdd;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>
/// The launch of <see cref="GemmKernels.GemmSharedTiles"/>: groups of Side×Side threads, each group a block of
/// 4·Side × 4·Side elements of C. Side 16 (256 threads, 64×64 blocks) on GPUs; a smaller side where a device
/// has smaller groups (ILGPU's CPU accelerator runs one OS thread per lane).
/// </summary>
public readonly struct SharedTileShape(int side, GemmShape s)
{
    public const int MaxSide = 16;

    /// <summary>The slice of k staged in shared memory at a time.</summary>
    public const int SliceK = 16;

    public readonly int Side = side;
    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int BlockSize => 4 * Side;
    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int Threads => Side * Side;
    public int RowBlocks { get; } = (s.M + 4 * side - 1) / (4 * side);
    public int Blocks { get; } = (s.M + 4 * side - 1) / (4 * side) * ((s.N + 4 * side - 1) / (4 * side));

    /// <summary>The largest side whose group fits in <paramref name="maxGroupSize"/> threads.</summary>
    public static int SideFor(int maxGroupSize)
    {
        var side = MaxSide;
        while (side > 1 && side * side > maxGroupSize)
            side /= 2;
        return side;
    }
}

// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static partial class GemmKernels
{
    // Rows of the staged A slice are padded by one float so that the threads storing one k (consecutive rows when
    // A's column stride is 1, i.e. consecutive k per thread) fall in different shared-memory banks.
    private const int StagedARowLength = 4 * SharedTileShape.MaxSide + 1;

    // The same product for GPUs, explicitly grouped: each group of Side×Side threads owns a 4Side×4Side block of C.
    // Per slice of 16 k the group stages A's 4Side×16 and B's 16×4Side in shared memory, consecutive threads loading
    // consecutive addresses of B (and of A along its unit stride), then each thread multiplies its 4×4 elements:
    // rows ty + Side·i, columns tx + Side·j, so consecutive threads also store consecutive columns of C.
    // Each element sums k in order, one FMA per k from 0, as GemmTiled does: the same bits.
    public static void GemmSharedTiles(ArrayView<float> c, ArrayView<float> a, ArrayView<float> b, ArrayView<float> bias,
        GemmShape s, SharedTileShape t)
    {
        var stagedA = SharedMemory.Allocate<float>(SharedTileShape.SliceK * StagedARowLength);
        var stagedB = SharedMemory.Allocate<float>(SharedTileShape.SliceK * 4 * SharedTileShape.MaxSide);
        var side = t.Side;
        var tx = Group.IdxX % side;
        var ty = Group.IdxX / side;
        var unitAColumns = s.AColStride == 1;
        for (var block = Grid.IdxX; block < t.Blocks; block += Grid.DimX)
        {
            var r0 = block % t.RowBlocks * t.BlockSize;
            var c0 = block / t.RowBlocks * t.BlockSize;
            var acc = default(Row16);
            for (var k0 = 0; k0 < s.K; k0 += SharedTileShape.SliceK)
            {
                for (var i = Group.IdxX; i < t.BlockSize * SharedTileShape.SliceK; i += t.Threads)
                {
                    var r = unitAColumns ? i / SharedTileShape.SliceK : i % t.BlockSize;
                    var k = unitAColumns ? i % SharedTileShape.SliceK : i / t.BlockSize;
                    stagedA[k * StagedARowLength + r] = r0 + r < s.M && k0 + k < s.K
                        ? a[(r0 + r) * s.ARowStride + (k0 + k) * s.AColStride] : 0f;
                    var bk = i / t.BlockSize;
                    var j = i % t.BlockSize;
                    stagedB[bk * t.BlockSize + j] = k0 + bk < s.K && c0 + j < s.N ? b[(k0 + bk) * s.Ldb + c0 + j] : 0f;
                }
                Group.Barrier();
                var slice = s.K - k0 < SharedTileShape.SliceK ? s.K - k0 : SharedTileShape.SliceK;
                for (var k = 0; k < slice; k++)
                    acc = MultiplyAdd4x4(acc, stagedA, k * StagedARowLength + ty, stagedB, k * t.BlockSize + tx, side);
                Group.Barrier();
            }
            EmitBlock(c, bias, r0 + ty, c0 + tx, side, acc, s);
        }
    }

    // acc[4i + j] += A[ty + side·i] · B[tx + side·j] for one k of the staged slices.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Row16 MultiplyAdd4x4(Row16 acc, ArrayView<float> stagedA, int aIndex, ArrayView<float> stagedB, int bIndex, int side)
    {
        var (a0, a1, a2, a3) = (stagedA[aIndex], stagedA[aIndex + side], stagedA[aIndex + 2 * side], stagedA[aIndex + 3 * side]);
        var (b0, b1, b2, b3) = (stagedB[bIndex], stagedB[bIndex + side], stagedB[bIndex + 2 * side], stagedB[bIndex + 3 * side]);
        acc.V0 = MultiplyAdd(a0, b0, acc.V0);
        acc.V1 = MultiplyAdd(a0, b1, acc.V1);
        acc.V2 = MultiplyAdd(a0, b2, acc.V2);
        acc.V3 = MultiplyAdd(a0, b3, acc.V3);
        acc.V4 = MultiplyAdd(a1, b0, acc.V4);
        acc.V5 = MultiplyAdd(a1, b1, acc.V5);
        acc.V6 = MultiplyAdd(a1, b2, acc.V6);
        acc.V7 = MultiplyAdd(a1, b3, acc.V7);
        acc.V8 = MultiplyAdd(a2, b0, acc.V8);
        acc.V9 = MultiplyAdd(a2, b1, acc.V9);
        acc.V10 = MultiplyAdd(a2, b2, acc.V10);
        acc.V11 = MultiplyAdd(a2, b3, acc.V11);
        acc.V12 = MultiplyAdd(a3, b0, acc.V12);
        acc.V13 = MultiplyAdd(a3, b1, acc.V13);
        acc.V14 = MultiplyAdd(a3, b2, acc.V14);
        acc.V15 = MultiplyAdd(a3, b3, acc.V15);
        return acc;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EmitBlock(ArrayView<float> c, ArrayView<float> bias, int row, int column, int side, Row16 acc, GemmShape s)
    {
        EmitInside(c, bias, row + 0 * side, column + 0 * side, acc.V0, s);
        EmitInside(c, bias, row + 0 * side, column + 1 * side, acc.V1, s);
        EmitInside(c, bias, row + 0 * side, column + 2 * side, acc.V2, s);
        EmitInside(c, bias, row + 0 * side, column + 3 * side, acc.V3, s);
        EmitInside(c, bias, row + 1 * side, column + 0 * side, acc.V4, s);
        EmitInside(c, bias, row + 1 * side, column + 1 * side, acc.V5, s);
        EmitInside(c, bias, row + 1 * side, column + 2 * side, acc.V6, s);
        EmitInside(c, bias, row + 1 * side, column + 3 * side, acc.V7, s);
        EmitInside(c, bias, row + 2 * side, column + 0 * side, acc.V8, s);
        EmitInside(c, bias, row + 2 * side, column + 1 * side, acc.V9, s);
        EmitInside(c, bias, row + 2 * side, column + 2 * side, acc.V10, s);
        EmitInside(c, bias, row + 2 * side, column + 3 * side, acc.V11, s);
        EmitInside(c, bias, row + 3 * side, column + 0 * side, acc.V12, s);
        EmitInside(c, bias, row + 3 * side, column + 1 * side, acc.V13, s);
        EmitInside(c, bias, row + 3 * side, column + 2 * side, acc.V14, s);
        EmitInside(c, bias, row + 3 * side, column + 3 * side, acc.V15, s);
    }

    // Element (row, column) of C, when inside C, gets the shape's epilogue.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EmitInside(ArrayView<float> c, ArrayView<float> bias, int row, int column, float v, GemmShape s)
    {
        if (row >= s.M || column >= s.N)
            return;
        if (s.Epilogue != (int)GemmEpilogue.BiasActivationNchw)
        {
            Emit(c, bias, row, column, v, s);
            return;
        }
        var n = column / s.Area;
        EmitNchw(c, bias, row, n, column - n * s.Area, v, s);
    }
}
// Stryker restore all
