using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Algorithms;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>
/// One point's search for β: p_{j|i} ∝ exp(−β d_j) with d_j = D[i,j] − (the nearest D[i,j]) must have entropy
/// log(perplexity). β starts at 1 and is bracketed by [Low, High] (High &lt; 0: no upper bound yet, and β doubles).
/// The shift by the nearest distance leaves p_{j|i} unchanged and keeps the largest term at 1, so no sum underflows.
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public struct TsneSearch
{
    /// <summary>The entropy tolerance and the most evaluations of the entropy (scikit-learn's).</summary>
    public const float EntropyTolerance = 1e-5f;

    public const int MaxSteps = 100;

    public float Beta;
    public float Low;
    public float High;

    /// <summary>1 while the search goes on, 0 once it has stopped.</summary>
    public float Searching;

    public static TsneSearch Start => new() { Beta = 1f, Low = 0f, High = -1f, Searching = 1f };

    /// <summary>e_j = exp(−β d_j), 0 for j = i (an exponent of −∞: straight-line code that vectorises).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exponential(float beta, float shifted, bool self) => XMath.Exp(self ? float.NegativeInfinity : -beta * shifted);

    /// <summary>
    /// Given Σ e_j and Σ d_j e_j at the current β: stops where H = log Σ e_j + β Σ d_j e_j / Σ e_j is within the tolerance of
    /// the target, or where the bracket has shrunk to neighbouring floats; otherwise moves β (H too high: β grows).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TsneSearch Next(TsneSearch s, float sum, float weighted, float target)
    {
        if (s.Searching == 0f)
            return s;
        var excess = XMath.Log(sum) + s.Beta * weighted / sum - target;
        if (XMath.Abs(excess) < EntropyTolerance)
        {
            s.Searching = 0f;
            return s;
        }
        if (excess > 0f)
            s.Low = s.Beta;
        else
            s.High = s.Beta;
        var next = s.High < 0f ? 2f * s.Beta : 0.5f * (s.Low + s.High);
        if (next == s.Beta)
            s.Searching = 0f;
        s.Beta = next;
        return s;
    }
}

/// <summary>
/// Sixteen consecutive points' searches at once (CPU OpenCL): the passes over j are straight-line code over
/// <see cref="Row16"/> lanes, field-major, which the compiler turns into 16-lane vectors; the O(1) steps between passes
/// run lane by lane. A lane that has stopped keeps its β, so the passes recompute its sums unchanged.
/// </summary>
public struct TsneSearch16
{
    public const int Length = 16;

    public Row16 Nearest;
    public Row16 Beta;
    public Row16 Low;
    public Row16 High;
    public Row16 Searching;
    public Row16 Sum;
    public Row16 Weighted;

    public static TsneSearch16 Start
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var start = TsneSearch.Start;
            TsneSearch16 s = default;
            (s.Nearest.V0, s.Beta.V0, s.Low.V0, s.High.V0, s.Searching.V0) = (float.MaxValue, start.Beta, start.Low, start.High, start.Searching);
            (s.Nearest.V1, s.Beta.V1, s.Low.V1, s.High.V1, s.Searching.V1) = (float.MaxValue, start.Beta, start.Low, start.High, start.Searching);
            (s.Nearest.V2, s.Beta.V2, s.Low.V2, s.High.V2, s.Searching.V2) = (float.MaxValue, start.Beta, start.Low, start.High, start.Searching);
            (s.Nearest.V3, s.Beta.V3, s.Low.V3, s.High.V3, s.Searching.V3) = (float.MaxValue, start.Beta, start.Low, start.High, start.Searching);
            (s.Nearest.V4, s.Beta.V4, s.Low.V4, s.High.V4, s.Searching.V4) = (float.MaxValue, start.Beta, start.Low, start.High, start.Searching);
            (s.Nearest.V5, s.Beta.V5, s.Low.V5, s.High.V5, s.Searching.V5) = (float.MaxValue, start.Beta, start.Low, start.High, start.Searching);
            (s.Nearest.V6, s.Beta.V6, s.Low.V6, s.High.V6, s.Searching.V6) = (float.MaxValue, start.Beta, start.Low, start.High, start.Searching);
            (s.Nearest.V7, s.Beta.V7, s.Low.V7, s.High.V7, s.Searching.V7) = (float.MaxValue, start.Beta, start.Low, start.High, start.Searching);
            (s.Nearest.V8, s.Beta.V8, s.Low.V8, s.High.V8, s.Searching.V8) = (float.MaxValue, start.Beta, start.Low, start.High, start.Searching);
            (s.Nearest.V9, s.Beta.V9, s.Low.V9, s.High.V9, s.Searching.V9) = (float.MaxValue, start.Beta, start.Low, start.High, start.Searching);
            (s.Nearest.V10, s.Beta.V10, s.Low.V10, s.High.V10, s.Searching.V10) = (float.MaxValue, start.Beta, start.Low, start.High, start.Searching);
            (s.Nearest.V11, s.Beta.V11, s.Low.V11, s.High.V11, s.Searching.V11) = (float.MaxValue, start.Beta, start.Low, start.High, start.Searching);
            (s.Nearest.V12, s.Beta.V12, s.Low.V12, s.High.V12, s.Searching.V12) = (float.MaxValue, start.Beta, start.Low, start.High, start.Searching);
            (s.Nearest.V13, s.Beta.V13, s.Low.V13, s.High.V13, s.Searching.V13) = (float.MaxValue, start.Beta, start.Low, start.High, start.Searching);
            (s.Nearest.V14, s.Beta.V14, s.Low.V14, s.High.V14, s.Searching.V14) = (float.MaxValue, start.Beta, start.Low, start.High, start.Searching);
            (s.Nearest.V15, s.Beta.V15, s.Low.V15, s.High.V15, s.Searching.V15) = (float.MaxValue, start.Beta, start.Low, start.High, start.Searching);
            return s;
        }
    }

    /// <summary>Lane l's nearest distance over j ≠ first + l, from d[row + l] = D[j, first + l]; lane j − first is j itself.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TsneSearch16 Closer(TsneSearch16 s, ArrayView<float> d, int row, int self)
    {
        s.Nearest.V0 = self == 0 ? s.Nearest.V0 : XMath.Min(s.Nearest.V0, d[row + 0]);
        s.Nearest.V1 = self == 1 ? s.Nearest.V1 : XMath.Min(s.Nearest.V1, d[row + 1]);
        s.Nearest.V2 = self == 2 ? s.Nearest.V2 : XMath.Min(s.Nearest.V2, d[row + 2]);
        s.Nearest.V3 = self == 3 ? s.Nearest.V3 : XMath.Min(s.Nearest.V3, d[row + 3]);
        s.Nearest.V4 = self == 4 ? s.Nearest.V4 : XMath.Min(s.Nearest.V4, d[row + 4]);
        s.Nearest.V5 = self == 5 ? s.Nearest.V5 : XMath.Min(s.Nearest.V5, d[row + 5]);
        s.Nearest.V6 = self == 6 ? s.Nearest.V6 : XMath.Min(s.Nearest.V6, d[row + 6]);
        s.Nearest.V7 = self == 7 ? s.Nearest.V7 : XMath.Min(s.Nearest.V7, d[row + 7]);
        s.Nearest.V8 = self == 8 ? s.Nearest.V8 : XMath.Min(s.Nearest.V8, d[row + 8]);
        s.Nearest.V9 = self == 9 ? s.Nearest.V9 : XMath.Min(s.Nearest.V9, d[row + 9]);
        s.Nearest.V10 = self == 10 ? s.Nearest.V10 : XMath.Min(s.Nearest.V10, d[row + 10]);
        s.Nearest.V11 = self == 11 ? s.Nearest.V11 : XMath.Min(s.Nearest.V11, d[row + 11]);
        s.Nearest.V12 = self == 12 ? s.Nearest.V12 : XMath.Min(s.Nearest.V12, d[row + 12]);
        s.Nearest.V13 = self == 13 ? s.Nearest.V13 : XMath.Min(s.Nearest.V13, d[row + 13]);
        s.Nearest.V14 = self == 14 ? s.Nearest.V14 : XMath.Min(s.Nearest.V14, d[row + 14]);
        s.Nearest.V15 = self == 15 ? s.Nearest.V15 : XMath.Min(s.Nearest.V15, d[row + 15]);
        return s;
    }

    /// <summary>Adds j's e_j and d_j e_j to every lane's sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TsneSearch16 Add(TsneSearch16 s, ArrayView<float> d, int row, int self)
    {
        var d0 = d[row + 0] - s.Nearest.V0;
        var e0 = TsneSearch.Exponential(s.Beta.V0, d0, self == 0);
        (s.Sum.V0, s.Weighted.V0) = (s.Sum.V0 + e0, s.Weighted.V0 + d0 * e0);
        var d1 = d[row + 1] - s.Nearest.V1;
        var e1 = TsneSearch.Exponential(s.Beta.V1, d1, self == 1);
        (s.Sum.V1, s.Weighted.V1) = (s.Sum.V1 + e1, s.Weighted.V1 + d1 * e1);
        var d2 = d[row + 2] - s.Nearest.V2;
        var e2 = TsneSearch.Exponential(s.Beta.V2, d2, self == 2);
        (s.Sum.V2, s.Weighted.V2) = (s.Sum.V2 + e2, s.Weighted.V2 + d2 * e2);
        var d3 = d[row + 3] - s.Nearest.V3;
        var e3 = TsneSearch.Exponential(s.Beta.V3, d3, self == 3);
        (s.Sum.V3, s.Weighted.V3) = (s.Sum.V3 + e3, s.Weighted.V3 + d3 * e3);
        var d4 = d[row + 4] - s.Nearest.V4;
        var e4 = TsneSearch.Exponential(s.Beta.V4, d4, self == 4);
        (s.Sum.V4, s.Weighted.V4) = (s.Sum.V4 + e4, s.Weighted.V4 + d4 * e4);
        var d5 = d[row + 5] - s.Nearest.V5;
        var e5 = TsneSearch.Exponential(s.Beta.V5, d5, self == 5);
        (s.Sum.V5, s.Weighted.V5) = (s.Sum.V5 + e5, s.Weighted.V5 + d5 * e5);
        var d6 = d[row + 6] - s.Nearest.V6;
        var e6 = TsneSearch.Exponential(s.Beta.V6, d6, self == 6);
        (s.Sum.V6, s.Weighted.V6) = (s.Sum.V6 + e6, s.Weighted.V6 + d6 * e6);
        var d7 = d[row + 7] - s.Nearest.V7;
        var e7 = TsneSearch.Exponential(s.Beta.V7, d7, self == 7);
        (s.Sum.V7, s.Weighted.V7) = (s.Sum.V7 + e7, s.Weighted.V7 + d7 * e7);
        var d8 = d[row + 8] - s.Nearest.V8;
        var e8 = TsneSearch.Exponential(s.Beta.V8, d8, self == 8);
        (s.Sum.V8, s.Weighted.V8) = (s.Sum.V8 + e8, s.Weighted.V8 + d8 * e8);
        var d9 = d[row + 9] - s.Nearest.V9;
        var e9 = TsneSearch.Exponential(s.Beta.V9, d9, self == 9);
        (s.Sum.V9, s.Weighted.V9) = (s.Sum.V9 + e9, s.Weighted.V9 + d9 * e9);
        var d10 = d[row + 10] - s.Nearest.V10;
        var e10 = TsneSearch.Exponential(s.Beta.V10, d10, self == 10);
        (s.Sum.V10, s.Weighted.V10) = (s.Sum.V10 + e10, s.Weighted.V10 + d10 * e10);
        var d11 = d[row + 11] - s.Nearest.V11;
        var e11 = TsneSearch.Exponential(s.Beta.V11, d11, self == 11);
        (s.Sum.V11, s.Weighted.V11) = (s.Sum.V11 + e11, s.Weighted.V11 + d11 * e11);
        var d12 = d[row + 12] - s.Nearest.V12;
        var e12 = TsneSearch.Exponential(s.Beta.V12, d12, self == 12);
        (s.Sum.V12, s.Weighted.V12) = (s.Sum.V12 + e12, s.Weighted.V12 + d12 * e12);
        var d13 = d[row + 13] - s.Nearest.V13;
        var e13 = TsneSearch.Exponential(s.Beta.V13, d13, self == 13);
        (s.Sum.V13, s.Weighted.V13) = (s.Sum.V13 + e13, s.Weighted.V13 + d13 * e13);
        var d14 = d[row + 14] - s.Nearest.V14;
        var e14 = TsneSearch.Exponential(s.Beta.V14, d14, self == 14);
        (s.Sum.V14, s.Weighted.V14) = (s.Sum.V14 + e14, s.Weighted.V14 + d14 * e14);
        var d15 = d[row + 15] - s.Nearest.V15;
        var e15 = TsneSearch.Exponential(s.Beta.V15, d15, self == 15);
        (s.Sum.V15, s.Weighted.V15) = (s.Sum.V15 + e15, s.Weighted.V15 + d15 * e15);
        return s;
    }

    /// <summary>Every lane's <see cref="TsneSearch.Next"/>; <paramref name="searching"/>: whether any lane goes on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TsneSearch16 Next(TsneSearch16 s, float target, out bool searching)
    {
        var s0 = TsneSearch.Next(new TsneSearch { Beta = s.Beta.V0, Low = s.Low.V0, High = s.High.V0, Searching = s.Searching.V0 }, s.Sum.V0, s.Weighted.V0, target);
        (s.Beta.V0, s.Low.V0, s.High.V0, s.Searching.V0) = (s0.Beta, s0.Low, s0.High, s0.Searching);
        var s1 = TsneSearch.Next(new TsneSearch { Beta = s.Beta.V1, Low = s.Low.V1, High = s.High.V1, Searching = s.Searching.V1 }, s.Sum.V1, s.Weighted.V1, target);
        (s.Beta.V1, s.Low.V1, s.High.V1, s.Searching.V1) = (s1.Beta, s1.Low, s1.High, s1.Searching);
        var s2 = TsneSearch.Next(new TsneSearch { Beta = s.Beta.V2, Low = s.Low.V2, High = s.High.V2, Searching = s.Searching.V2 }, s.Sum.V2, s.Weighted.V2, target);
        (s.Beta.V2, s.Low.V2, s.High.V2, s.Searching.V2) = (s2.Beta, s2.Low, s2.High, s2.Searching);
        var s3 = TsneSearch.Next(new TsneSearch { Beta = s.Beta.V3, Low = s.Low.V3, High = s.High.V3, Searching = s.Searching.V3 }, s.Sum.V3, s.Weighted.V3, target);
        (s.Beta.V3, s.Low.V3, s.High.V3, s.Searching.V3) = (s3.Beta, s3.Low, s3.High, s3.Searching);
        var s4 = TsneSearch.Next(new TsneSearch { Beta = s.Beta.V4, Low = s.Low.V4, High = s.High.V4, Searching = s.Searching.V4 }, s.Sum.V4, s.Weighted.V4, target);
        (s.Beta.V4, s.Low.V4, s.High.V4, s.Searching.V4) = (s4.Beta, s4.Low, s4.High, s4.Searching);
        var s5 = TsneSearch.Next(new TsneSearch { Beta = s.Beta.V5, Low = s.Low.V5, High = s.High.V5, Searching = s.Searching.V5 }, s.Sum.V5, s.Weighted.V5, target);
        (s.Beta.V5, s.Low.V5, s.High.V5, s.Searching.V5) = (s5.Beta, s5.Low, s5.High, s5.Searching);
        var s6 = TsneSearch.Next(new TsneSearch { Beta = s.Beta.V6, Low = s.Low.V6, High = s.High.V6, Searching = s.Searching.V6 }, s.Sum.V6, s.Weighted.V6, target);
        (s.Beta.V6, s.Low.V6, s.High.V6, s.Searching.V6) = (s6.Beta, s6.Low, s6.High, s6.Searching);
        var s7 = TsneSearch.Next(new TsneSearch { Beta = s.Beta.V7, Low = s.Low.V7, High = s.High.V7, Searching = s.Searching.V7 }, s.Sum.V7, s.Weighted.V7, target);
        (s.Beta.V7, s.Low.V7, s.High.V7, s.Searching.V7) = (s7.Beta, s7.Low, s7.High, s7.Searching);
        var s8 = TsneSearch.Next(new TsneSearch { Beta = s.Beta.V8, Low = s.Low.V8, High = s.High.V8, Searching = s.Searching.V8 }, s.Sum.V8, s.Weighted.V8, target);
        (s.Beta.V8, s.Low.V8, s.High.V8, s.Searching.V8) = (s8.Beta, s8.Low, s8.High, s8.Searching);
        var s9 = TsneSearch.Next(new TsneSearch { Beta = s.Beta.V9, Low = s.Low.V9, High = s.High.V9, Searching = s.Searching.V9 }, s.Sum.V9, s.Weighted.V9, target);
        (s.Beta.V9, s.Low.V9, s.High.V9, s.Searching.V9) = (s9.Beta, s9.Low, s9.High, s9.Searching);
        var s10 = TsneSearch.Next(new TsneSearch { Beta = s.Beta.V10, Low = s.Low.V10, High = s.High.V10, Searching = s.Searching.V10 }, s.Sum.V10, s.Weighted.V10, target);
        (s.Beta.V10, s.Low.V10, s.High.V10, s.Searching.V10) = (s10.Beta, s10.Low, s10.High, s10.Searching);
        var s11 = TsneSearch.Next(new TsneSearch { Beta = s.Beta.V11, Low = s.Low.V11, High = s.High.V11, Searching = s.Searching.V11 }, s.Sum.V11, s.Weighted.V11, target);
        (s.Beta.V11, s.Low.V11, s.High.V11, s.Searching.V11) = (s11.Beta, s11.Low, s11.High, s11.Searching);
        var s12 = TsneSearch.Next(new TsneSearch { Beta = s.Beta.V12, Low = s.Low.V12, High = s.High.V12, Searching = s.Searching.V12 }, s.Sum.V12, s.Weighted.V12, target);
        (s.Beta.V12, s.Low.V12, s.High.V12, s.Searching.V12) = (s12.Beta, s12.Low, s12.High, s12.Searching);
        var s13 = TsneSearch.Next(new TsneSearch { Beta = s.Beta.V13, Low = s.Low.V13, High = s.High.V13, Searching = s.Searching.V13 }, s.Sum.V13, s.Weighted.V13, target);
        (s.Beta.V13, s.Low.V13, s.High.V13, s.Searching.V13) = (s13.Beta, s13.Low, s13.High, s13.Searching);
        var s14 = TsneSearch.Next(new TsneSearch { Beta = s.Beta.V14, Low = s.Low.V14, High = s.High.V14, Searching = s.Searching.V14 }, s.Sum.V14, s.Weighted.V14, target);
        (s.Beta.V14, s.Low.V14, s.High.V14, s.Searching.V14) = (s14.Beta, s14.Low, s14.High, s14.Searching);
        var s15 = TsneSearch.Next(new TsneSearch { Beta = s.Beta.V15, Low = s.Low.V15, High = s.High.V15, Searching = s.Searching.V15 }, s.Sum.V15, s.Weighted.V15, target);
        (s.Beta.V15, s.Low.V15, s.High.V15, s.Searching.V15) = (s15.Beta, s15.Low, s15.High, s15.Searching);
        searching = s.Searching.V0 + s.Searching.V1 + s.Searching.V2 + s.Searching.V3 + s.Searching.V4 + s.Searching.V5 + s.Searching.V6 + s.Searching.V7 + s.Searching.V8 + s.Searching.V9 + s.Searching.V10 + s.Searching.V11 + s.Searching.V12 + s.Searching.V13 + s.Searching.V14 + s.Searching.V15 > 0f;
        return s;
    }

    /// <summary>Overwrites d[row + l] = D[j, first + l] with p_{j|first+l} = e_j / Σ e.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write(TsneSearch16 s, ArrayView<float> d, int row, int self)
    {
        d[row + 0] = TsneSearch.Exponential(s.Beta.V0, d[row + 0] - s.Nearest.V0, self == 0) / s.Sum.V0;
        d[row + 1] = TsneSearch.Exponential(s.Beta.V1, d[row + 1] - s.Nearest.V1, self == 1) / s.Sum.V1;
        d[row + 2] = TsneSearch.Exponential(s.Beta.V2, d[row + 2] - s.Nearest.V2, self == 2) / s.Sum.V2;
        d[row + 3] = TsneSearch.Exponential(s.Beta.V3, d[row + 3] - s.Nearest.V3, self == 3) / s.Sum.V3;
        d[row + 4] = TsneSearch.Exponential(s.Beta.V4, d[row + 4] - s.Nearest.V4, self == 4) / s.Sum.V4;
        d[row + 5] = TsneSearch.Exponential(s.Beta.V5, d[row + 5] - s.Nearest.V5, self == 5) / s.Sum.V5;
        d[row + 6] = TsneSearch.Exponential(s.Beta.V6, d[row + 6] - s.Nearest.V6, self == 6) / s.Sum.V6;
        d[row + 7] = TsneSearch.Exponential(s.Beta.V7, d[row + 7] - s.Nearest.V7, self == 7) / s.Sum.V7;
        d[row + 8] = TsneSearch.Exponential(s.Beta.V8, d[row + 8] - s.Nearest.V8, self == 8) / s.Sum.V8;
        d[row + 9] = TsneSearch.Exponential(s.Beta.V9, d[row + 9] - s.Nearest.V9, self == 9) / s.Sum.V9;
        d[row + 10] = TsneSearch.Exponential(s.Beta.V10, d[row + 10] - s.Nearest.V10, self == 10) / s.Sum.V10;
        d[row + 11] = TsneSearch.Exponential(s.Beta.V11, d[row + 11] - s.Nearest.V11, self == 11) / s.Sum.V11;
        d[row + 12] = TsneSearch.Exponential(s.Beta.V12, d[row + 12] - s.Nearest.V12, self == 12) / s.Sum.V12;
        d[row + 13] = TsneSearch.Exponential(s.Beta.V13, d[row + 13] - s.Nearest.V13, self == 13) / s.Sum.V13;
        d[row + 14] = TsneSearch.Exponential(s.Beta.V14, d[row + 14] - s.Nearest.V14, self == 14) / s.Sum.V14;
        d[row + 15] = TsneSearch.Exponential(s.Beta.V15, d[row + 15] - s.Nearest.V15, self == 15) / s.Sum.V15;
    }
}
// Stryker restore all
