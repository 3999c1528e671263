using System.Runtime.CompilerServices;
using ILGPU;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>
/// Sixteen consecutive floats held in registers: one row of a GEMM's register tile, a run of a reduction. Written
/// out as 16 fields and straight-line code, which a CPU OpenCL compiler turns into one 16-lane vector.
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public struct Row16
{
    public const int Length = 16;

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Row16 Load(ArrayView<float> b, int i)
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
    public static void Store(ArrayView<float> c, int i, Row16 v)
    {
        c[i + 0] = v.V0;
        c[i + 1] = v.V1;
        c[i + 2] = v.V2;
        c[i + 3] = v.V3;
        c[i + 4] = v.V4;
        c[i + 5] = v.V5;
        c[i + 6] = v.V6;
        c[i + 7] = v.V7;
        c[i + 8] = v.V8;
        c[i + 9] = v.V9;
        c[i + 10] = v.V10;
        c[i + 11] = v.V11;
        c[i + 12] = v.V12;
        c[i + 13] = v.V13;
        c[i + 14] = v.V14;
        c[i + 15] = v.V15;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Row16 Add(Row16 x, Row16 y)
    {
        x.V0 += y.V0;
        x.V1 += y.V1;
        x.V2 += y.V2;
        x.V3 += y.V3;
        x.V4 += y.V4;
        x.V5 += y.V5;
        x.V6 += y.V6;
        x.V7 += y.V7;
        x.V8 += y.V8;
        x.V9 += y.V9;
        x.V10 += y.V10;
        x.V11 += y.V11;
        x.V12 += y.V12;
        x.V13 += y.V13;
        x.V14 += y.V14;
        x.V15 += y.V15;
        return x;
    }

    /// <summary>r[l] = b[offset + indices[i + l]]: sixteen loads through consecutive indices.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Row16 Gather(ArrayView<float> b, int offset, ArrayView<int> indices, int i)
    {
        Row16 r;
        r.V0 = b[offset + indices[i + 0]];
        r.V1 = b[offset + indices[i + 1]];
        r.V2 = b[offset + indices[i + 2]];
        r.V3 = b[offset + indices[i + 3]];
        r.V4 = b[offset + indices[i + 4]];
        r.V5 = b[offset + indices[i + 5]];
        r.V6 = b[offset + indices[i + 6]];
        r.V7 = b[offset + indices[i + 7]];
        r.V8 = b[offset + indices[i + 8]];
        r.V9 = b[offset + indices[i + 9]];
        r.V10 = b[offset + indices[i + 10]];
        r.V11 = b[offset + indices[i + 11]];
        r.V12 = b[offset + indices[i + 12]];
        r.V13 = b[offset + indices[i + 13]];
        r.V14 = b[offset + indices[i + 14]];
        r.V15 = b[offset + indices[i + 15]];
        return r;
    }

    /// <summary>acc + a·y lane by lane (a broadcast to every lane), each rounded once: a GEMM tile row's step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Row16 MultiplyAdd(float a, Row16 y, Row16 acc)
    {
        acc.V0 = FusedMultiplyAdd.MultiplyAdd(a, y.V0, acc.V0);
        acc.V1 = FusedMultiplyAdd.MultiplyAdd(a, y.V1, acc.V1);
        acc.V2 = FusedMultiplyAdd.MultiplyAdd(a, y.V2, acc.V2);
        acc.V3 = FusedMultiplyAdd.MultiplyAdd(a, y.V3, acc.V3);
        acc.V4 = FusedMultiplyAdd.MultiplyAdd(a, y.V4, acc.V4);
        acc.V5 = FusedMultiplyAdd.MultiplyAdd(a, y.V5, acc.V5);
        acc.V6 = FusedMultiplyAdd.MultiplyAdd(a, y.V6, acc.V6);
        acc.V7 = FusedMultiplyAdd.MultiplyAdd(a, y.V7, acc.V7);
        acc.V8 = FusedMultiplyAdd.MultiplyAdd(a, y.V8, acc.V8);
        acc.V9 = FusedMultiplyAdd.MultiplyAdd(a, y.V9, acc.V9);
        acc.V10 = FusedMultiplyAdd.MultiplyAdd(a, y.V10, acc.V10);
        acc.V11 = FusedMultiplyAdd.MultiplyAdd(a, y.V11, acc.V11);
        acc.V12 = FusedMultiplyAdd.MultiplyAdd(a, y.V12, acc.V12);
        acc.V13 = FusedMultiplyAdd.MultiplyAdd(a, y.V13, acc.V13);
        acc.V14 = FusedMultiplyAdd.MultiplyAdd(a, y.V14, acc.V14);
        acc.V15 = FusedMultiplyAdd.MultiplyAdd(a, y.V15, acc.V15);
        return acc;
    }

    /// <summary>acc + x·y lane by lane, each rounded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Row16 MultiplyAdd(Row16 x, Row16 y, Row16 acc)
    {
        acc.V0 = FusedMultiplyAdd.MultiplyAdd(x.V0, y.V0, acc.V0);
        acc.V1 = FusedMultiplyAdd.MultiplyAdd(x.V1, y.V1, acc.V1);
        acc.V2 = FusedMultiplyAdd.MultiplyAdd(x.V2, y.V2, acc.V2);
        acc.V3 = FusedMultiplyAdd.MultiplyAdd(x.V3, y.V3, acc.V3);
        acc.V4 = FusedMultiplyAdd.MultiplyAdd(x.V4, y.V4, acc.V4);
        acc.V5 = FusedMultiplyAdd.MultiplyAdd(x.V5, y.V5, acc.V5);
        acc.V6 = FusedMultiplyAdd.MultiplyAdd(x.V6, y.V6, acc.V6);
        acc.V7 = FusedMultiplyAdd.MultiplyAdd(x.V7, y.V7, acc.V7);
        acc.V8 = FusedMultiplyAdd.MultiplyAdd(x.V8, y.V8, acc.V8);
        acc.V9 = FusedMultiplyAdd.MultiplyAdd(x.V9, y.V9, acc.V9);
        acc.V10 = FusedMultiplyAdd.MultiplyAdd(x.V10, y.V10, acc.V10);
        acc.V11 = FusedMultiplyAdd.MultiplyAdd(x.V11, y.V11, acc.V11);
        acc.V12 = FusedMultiplyAdd.MultiplyAdd(x.V12, y.V12, acc.V12);
        acc.V13 = FusedMultiplyAdd.MultiplyAdd(x.V13, y.V13, acc.V13);
        acc.V14 = FusedMultiplyAdd.MultiplyAdd(x.V14, y.V14, acc.V14);
        acc.V15 = FusedMultiplyAdd.MultiplyAdd(x.V15, y.V15, acc.V15);
        return acc;
    }

    /// <summary>x where <paramref name="condition"/> is positive, else 0, lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Row16 WherePositive(Row16 x, Row16 condition)
    {
        x.V0 = condition.V0 > 0f ? x.V0 : 0f;
        x.V1 = condition.V1 > 0f ? x.V1 : 0f;
        x.V2 = condition.V2 > 0f ? x.V2 : 0f;
        x.V3 = condition.V3 > 0f ? x.V3 : 0f;
        x.V4 = condition.V4 > 0f ? x.V4 : 0f;
        x.V5 = condition.V5 > 0f ? x.V5 : 0f;
        x.V6 = condition.V6 > 0f ? x.V6 : 0f;
        x.V7 = condition.V7 > 0f ? x.V7 : 0f;
        x.V8 = condition.V8 > 0f ? x.V8 : 0f;
        x.V9 = condition.V9 > 0f ? x.V9 : 0f;
        x.V10 = condition.V10 > 0f ? x.V10 : 0f;
        x.V11 = condition.V11 > 0f ? x.V11 : 0f;
        x.V12 = condition.V12 > 0f ? x.V12 : 0f;
        x.V13 = condition.V13 > 0f ? x.V13 : 0f;
        x.V14 = condition.V14 > 0f ? x.V14 : 0f;
        x.V15 = condition.V15 > 0f ? x.V15 : 0f;
        return x;
    }

    /// <summary>act(v + bias) for each of the 16 values; act is max(0, ·) when relu != 0, else the identity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Row16 Activate(Row16 v, float bias, int relu)
    {
        v.V0 = Activate(v.V0 + bias, relu);
        v.V1 = Activate(v.V1 + bias, relu);
        v.V2 = Activate(v.V2 + bias, relu);
        v.V3 = Activate(v.V3 + bias, relu);
        v.V4 = Activate(v.V4 + bias, relu);
        v.V5 = Activate(v.V5 + bias, relu);
        v.V6 = Activate(v.V6 + bias, relu);
        v.V7 = Activate(v.V7 + bias, relu);
        v.V8 = Activate(v.V8 + bias, relu);
        v.V9 = Activate(v.V9 + bias, relu);
        v.V10 = Activate(v.V10 + bias, relu);
        v.V11 = Activate(v.V11 + bias, relu);
        v.V12 = Activate(v.V12 + bias, relu);
        v.V13 = Activate(v.V13 + bias, relu);
        v.V14 = Activate(v.V14 + bias, relu);
        v.V15 = Activate(v.V15 + bias, relu);
        return v;
    }

    /// <summary>act(sum): max(0, sum) when relu != 0, else sum.</summary>
    public static float Activate(float sum, int relu) => relu != 0 && sum < 0f ? 0f : sum;

    /// <summary>The sixteen lanes' sum as a balanced tree, always in this order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Row16 r) =>
        (((r.V0 + r.V1) + (r.V2 + r.V3)) + ((r.V4 + r.V5) + (r.V6 + r.V7)))
        + (((r.V8 + r.V9) + (r.V10 + r.V11)) + ((r.V12 + r.V13) + (r.V14 + r.V15)));
}
// Stryker restore all
