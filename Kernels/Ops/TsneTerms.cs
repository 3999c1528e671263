using System.Runtime.CompilerServices;
using ILGPU;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>One point's running sums of the t-SNE gradient terms over j: A (x, y), B (x, y) and S.</summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public struct TsneTerms
{
    public float Ax;
    public float Ay;
    public float Bx;
    public float By;
    public float S;

    /// <summary>The pair (i, j): w = 1/(1 + |y_i − y_j|²), 0 where j is i; A += p w (y_i − y_j), B += w² (y_i − y_j), S += w.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TsneTerms Add(TsneTerms t, float xi, float yi, float xj, float yj, float p, bool self)
    {
        var dx = xi - xj;
        var dy = yi - yj;
        // A select of the numerator, not of the quotient: straight-line code that vectorises.
        var w = (self ? 0f : 1f) / (1f + dx * dx + dy * dy);
        var pw = p * w;
        var ww = w * w;
        t.Ax += pw * dx;
        t.Ay += pw * dy;
        t.Bx += ww * dx;
        t.By += ww * dy;
        t.S += w;
        return t;
    }

    /// <summary>Writes point i's sums into the five planes of terms: (5, N).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ArrayView<float> terms, int count, int i, TsneTerms t)
    {
        terms[i] = t.Ax;
        terms[count + i] = t.Ay;
        terms[2 * count + i] = t.Bx;
        terms[3 * count + i] = t.By;
        terms[4 * count + i] = t.S;
    }
}

/// <summary>
/// The terms of sixteen consecutive points in straight-line code over <see cref="Row16"/> lanes, which a CPU OpenCL
/// compiler turns into 16-lane vectors: one pass over j serves all sixteen.
/// </summary>
public struct TsneTerms16
{
    public const int Length = 16;

    // Field-major (all sixteen A_x, then all A_y, …), so that each sum's sixteen lanes are neighbours for the vectoriser.
    public Row16 Ax;
    public Row16 Ay;
    public Row16 Bx;
    public Row16 By;
    public Row16 S;

    /// <summary>
    /// Adds the pair (first + l, j) to lane l, with the points' positions in x and y and their affinities with j in
    /// p[row + l] (consecutive addresses); lane j − first is j itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TsneTerms16 Add(TsneTerms16 t, Row16 x, Row16 y, float xj, float yj, ArrayView<float> p, int row, int self)
    {
        var t0 = TsneTerms.Add(new TsneTerms { Ax = t.Ax.V0, Ay = t.Ay.V0, Bx = t.Bx.V0, By = t.By.V0, S = t.S.V0 }, x.V0, y.V0, xj, yj, p[row + 0], self == 0);
        t.Ax.V0 = t0.Ax; t.Ay.V0 = t0.Ay; t.Bx.V0 = t0.Bx; t.By.V0 = t0.By; t.S.V0 = t0.S;
        var t1 = TsneTerms.Add(new TsneTerms { Ax = t.Ax.V1, Ay = t.Ay.V1, Bx = t.Bx.V1, By = t.By.V1, S = t.S.V1 }, x.V1, y.V1, xj, yj, p[row + 1], self == 1);
        t.Ax.V1 = t1.Ax; t.Ay.V1 = t1.Ay; t.Bx.V1 = t1.Bx; t.By.V1 = t1.By; t.S.V1 = t1.S;
        var t2 = TsneTerms.Add(new TsneTerms { Ax = t.Ax.V2, Ay = t.Ay.V2, Bx = t.Bx.V2, By = t.By.V2, S = t.S.V2 }, x.V2, y.V2, xj, yj, p[row + 2], self == 2);
        t.Ax.V2 = t2.Ax; t.Ay.V2 = t2.Ay; t.Bx.V2 = t2.Bx; t.By.V2 = t2.By; t.S.V2 = t2.S;
        var t3 = TsneTerms.Add(new TsneTerms { Ax = t.Ax.V3, Ay = t.Ay.V3, Bx = t.Bx.V3, By = t.By.V3, S = t.S.V3 }, x.V3, y.V3, xj, yj, p[row + 3], self == 3);
        t.Ax.V3 = t3.Ax; t.Ay.V3 = t3.Ay; t.Bx.V3 = t3.Bx; t.By.V3 = t3.By; t.S.V3 = t3.S;
        var t4 = TsneTerms.Add(new TsneTerms { Ax = t.Ax.V4, Ay = t.Ay.V4, Bx = t.Bx.V4, By = t.By.V4, S = t.S.V4 }, x.V4, y.V4, xj, yj, p[row + 4], self == 4);
        t.Ax.V4 = t4.Ax; t.Ay.V4 = t4.Ay; t.Bx.V4 = t4.Bx; t.By.V4 = t4.By; t.S.V4 = t4.S;
        var t5 = TsneTerms.Add(new TsneTerms { Ax = t.Ax.V5, Ay = t.Ay.V5, Bx = t.Bx.V5, By = t.By.V5, S = t.S.V5 }, x.V5, y.V5, xj, yj, p[row + 5], self == 5);
        t.Ax.V5 = t5.Ax; t.Ay.V5 = t5.Ay; t.Bx.V5 = t5.Bx; t.By.V5 = t5.By; t.S.V5 = t5.S;
        var t6 = TsneTerms.Add(new TsneTerms { Ax = t.Ax.V6, Ay = t.Ay.V6, Bx = t.Bx.V6, By = t.By.V6, S = t.S.V6 }, x.V6, y.V6, xj, yj, p[row + 6], self == 6);
        t.Ax.V6 = t6.Ax; t.Ay.V6 = t6.Ay; t.Bx.V6 = t6.Bx; t.By.V6 = t6.By; t.S.V6 = t6.S;
        var t7 = TsneTerms.Add(new TsneTerms { Ax = t.Ax.V7, Ay = t.Ay.V7, Bx = t.Bx.V7, By = t.By.V7, S = t.S.V7 }, x.V7, y.V7, xj, yj, p[row + 7], self == 7);
        t.Ax.V7 = t7.Ax; t.Ay.V7 = t7.Ay; t.Bx.V7 = t7.Bx; t.By.V7 = t7.By; t.S.V7 = t7.S;
        var t8 = TsneTerms.Add(new TsneTerms { Ax = t.Ax.V8, Ay = t.Ay.V8, Bx = t.Bx.V8, By = t.By.V8, S = t.S.V8 }, x.V8, y.V8, xj, yj, p[row + 8], self == 8);
        t.Ax.V8 = t8.Ax; t.Ay.V8 = t8.Ay; t.Bx.V8 = t8.Bx; t.By.V8 = t8.By; t.S.V8 = t8.S;
        var t9 = TsneTerms.Add(new TsneTerms { Ax = t.Ax.V9, Ay = t.Ay.V9, Bx = t.Bx.V9, By = t.By.V9, S = t.S.V9 }, x.V9, y.V9, xj, yj, p[row + 9], self == 9);
        t.Ax.V9 = t9.Ax; t.Ay.V9 = t9.Ay; t.Bx.V9 = t9.Bx; t.By.V9 = t9.By; t.S.V9 = t9.S;
        var t10 = TsneTerms.Add(new TsneTerms { Ax = t.Ax.V10, Ay = t.Ay.V10, Bx = t.Bx.V10, By = t.By.V10, S = t.S.V10 }, x.V10, y.V10, xj, yj, p[row + 10], self == 10);
        t.Ax.V10 = t10.Ax; t.Ay.V10 = t10.Ay; t.Bx.V10 = t10.Bx; t.By.V10 = t10.By; t.S.V10 = t10.S;
        var t11 = TsneTerms.Add(new TsneTerms { Ax = t.Ax.V11, Ay = t.Ay.V11, Bx = t.Bx.V11, By = t.By.V11, S = t.S.V11 }, x.V11, y.V11, xj, yj, p[row + 11], self == 11);
        t.Ax.V11 = t11.Ax; t.Ay.V11 = t11.Ay; t.Bx.V11 = t11.Bx; t.By.V11 = t11.By; t.S.V11 = t11.S;
        var t12 = TsneTerms.Add(new TsneTerms { Ax = t.Ax.V12, Ay = t.Ay.V12, Bx = t.Bx.V12, By = t.By.V12, S = t.S.V12 }, x.V12, y.V12, xj, yj, p[row + 12], self == 12);
        t.Ax.V12 = t12.Ax; t.Ay.V12 = t12.Ay; t.Bx.V12 = t12.Bx; t.By.V12 = t12.By; t.S.V12 = t12.S;
        var t13 = TsneTerms.Add(new TsneTerms { Ax = t.Ax.V13, Ay = t.Ay.V13, Bx = t.Bx.V13, By = t.By.V13, S = t.S.V13 }, x.V13, y.V13, xj, yj, p[row + 13], self == 13);
        t.Ax.V13 = t13.Ax; t.Ay.V13 = t13.Ay; t.Bx.V13 = t13.Bx; t.By.V13 = t13.By; t.S.V13 = t13.S;
        var t14 = TsneTerms.Add(new TsneTerms { Ax = t.Ax.V14, Ay = t.Ay.V14, Bx = t.Bx.V14, By = t.By.V14, S = t.S.V14 }, x.V14, y.V14, xj, yj, p[row + 14], self == 14);
        t.Ax.V14 = t14.Ax; t.Ay.V14 = t14.Ay; t.Bx.V14 = t14.Bx; t.By.V14 = t14.By; t.S.V14 = t14.S;
        var t15 = TsneTerms.Add(new TsneTerms { Ax = t.Ax.V15, Ay = t.Ay.V15, Bx = t.Bx.V15, By = t.By.V15, S = t.S.V15 }, x.V15, y.V15, xj, yj, p[row + 15], self == 15);
        t.Ax.V15 = t15.Ax; t.Ay.V15 = t15.Ay; t.Bx.V15 = t15.Bx; t.By.V15 = t15.By; t.S.V15 = t15.S;
        return t;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ArrayView<float> terms, int count, int first, TsneTerms16 t)
    {
        Row16.Store(terms, first, t.Ax);
        Row16.Store(terms, count + first, t.Ay);
        Row16.Store(terms, 2 * count + first, t.Bx);
        Row16.Store(terms, 3 * count + first, t.By);
        Row16.Store(terms, 4 * count + first, t.S);
    }
}
// Stryker restore all
