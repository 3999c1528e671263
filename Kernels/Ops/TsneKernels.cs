using ILGPU;
using ILGPU.Algorithms;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>N points; the N×N matrices (distances, then conditionals, then P) are row-major.</summary>
public readonly struct TsneShape(int count)
{
    public readonly int Count = count;

    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int MatrixLength => Count * Count;
}

/// <summary>One iteration's constants: exaggeration α, momentum and learning rate η (<see cref="TsneSchedule"/>).</summary>
public readonly struct TsneStep(int count, float exaggeration, float momentum, float learningRate)
{
    public readonly int Count = count;
    public readonly float Exaggeration = exaggeration;
    public readonly float Momentum = momentum;
    public readonly float LearningRate = learningRate;
}

/// <summary>
/// The optimiser's constants, as scikit-learn's exact t-SNE: early exaggeration 12 with momentum 0.5 for the first 250
/// iterations, then 1 and 0.8; learning rate max(N / 12 / 4, 50) ('auto'). No early stop: every iteration runs.
/// </summary>
public static class TsneSchedule
{
    public const int ExaggerationIterations = 250;
    public const float Exaggeration = 12f;
    public const float EarlyMomentum = 0.5f;
    public const float LateMomentum = 0.8f;
    public const float MinLearningRate = 50f;

    /// <summary>The start of the map: N(0, (10⁻⁴)²) per coordinate.</summary>
    public const double InitialSpread = 1e-4;

    public static float LearningRate(int count) => Math.Max(count / Exaggeration / 4f, MinLearningRate);

    public static TsneStep For(int iteration, int count) => iteration < ExaggerationIterations
        ? new TsneStep(count, Exaggeration, EarlyMomentum, LearningRate(count))
        : new TsneStep(count, 1f, LateMomentum, LearningRate(count));
}

/// <summary>
/// Exact t-SNE (van der Maaten and Hinton 2008), every O(N²) pass one item per point, in index order, no atomics:
/// <list type="number">
/// <item>EuclideanDistanceKernels.PairwiseSquaredDistances: D[i,j] = Σ_k (x_i[k] − x_j[k])², symmetric bit for bit.</item>
/// <item>TsneConditionals: item i searches β_i so that p_{j|i} ∝ exp(−β_i D[i,j]) has entropy log(perplexity), then
///   writes p_{j|i} over column i (D[j,i]), which no other item reads: item i reads D[j·N + i] as j runs, so
///   neighbouring items read neighbouring addresses.</item>
/// <item>TsneJoint: P_ij = max((p_{j|i} + p_{i|j}) / 2N, 10⁻¹²) in place, each pair (i &lt; j) written by one item; P_ii = 0.</item>
/// <item>TsneGradientTerms, per iteration, item i over j: A_i = Σ_j P_ij w_ij (y_i − y_j), B_i = Σ_j w_ij² (y_i − y_j),
///   S_i = Σ_{j≠i} w_ij with w_ij = 1/(1 + |y_i − y_j|²).</item>
/// <item>TsneNormalizer: one item, Z = Σ_i S_i in index order.</item>
/// <item>TsneUpdate, item per coordinate: g = 4(α A − B/Z), then gains, momentum and the step.</item>
/// <item>TsneDivergenceTerms, on request: per point Σ_j P_ij log(P_ij / w_ij) and Σ_j P_ij, for KL(P‖Q).</item>
/// </list>
/// Y and every per-point vector are planes: all x, then all y, so the j loops read contiguous floats.
/// TsneConditionalsBlocks and TsneGradientTermsBlocks compute the same per point, an item per block of 16 consecutive
/// points (<see cref="TsnePath.Blocks16"/>); their per-point kernels then take the last N mod 16, from <c>first</c>.
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static class TsneKernels
{
    /// <summary>The floor of P (van der Maaten's tsne.py), so that no log(P/Q) meets a zero.</summary>
    public const float AffinityFloor = 1e-12f;

    public const float GainIncrease = 0.2f;
    public const float GainDecay = 0.8f;
    public const float MinGain = 0.01f;

    // squared: (N, N) in, column i of item i overwritten with p_{j|i}; beta: (N); points first … N − 1
    public static void TsneConditionals(ArrayView<float> matrix, ArrayView<float> betas, float perplexity, int first, TsneShape s)
    {
        var (n, target) = (s.Count, XMath.Log(perplexity));
        for (var i = first + GridStride.Start; i < n; i += GridStride.Step)
        {
            var nearest = float.MaxValue;
            for (var j = 0; j < n; j++)
                nearest = j == i ? nearest : XMath.Min(nearest, matrix[j * n + i]);
            var search = TsneSearch.Start;
            var (sum, weighted) = (0f, 0f);
            for (var step = 0; step < TsneSearch.MaxSteps; step++)
            {
                if (step > 0)
                {
                    search = TsneSearch.Next(search, sum, weighted, target);
                    if (search.Searching == 0f)
                        break;
                }
                (sum, weighted) = (0f, 0f);
                for (var j = 0; j < n; j++)
                {
                    var d = matrix[j * n + i] - nearest;
                    var e = TsneSearch.Exponential(search.Beta, d, j == i);
                    sum += e;
                    weighted += d * e;
                }
            }
            betas[i] = search.Beta;
            for (var j = 0; j < n; j++)
                matrix[j * n + i] = TsneSearch.Exponential(search.Beta, matrix[j * n + i] - nearest, j == i) / sum;
        }
    }

    // The same for points 0 … 16·⌊N/16⌋ − 1, an item per block of 16 consecutive points (CPU OpenCL: 16-lane vectors).
    public static void TsneConditionalsBlocks(ArrayView<float> matrix, ArrayView<float> betas, float perplexity, TsneShape s)
    {
        var (n, target) = (s.Count, XMath.Log(perplexity));
        for (var block = GridStride.Start; block < n / TsneSearch16.Length; block += GridStride.Step)
        {
            var first = block * TsneSearch16.Length;
            var search = TsneSearch16.Start;
            for (var j = 0; j < n; j++)
                search = TsneSearch16.Closer(search, matrix, j * n + first, j - first);
            for (var step = 0; step < TsneSearch.MaxSteps; step++)
            {
                if (step > 0)
                {
                    search = TsneSearch16.Next(search, target, out var searching);
                    if (!searching)
                        break;
                }
                (search.Sum, search.Weighted) = (default, default);
                for (var j = 0; j < n; j++)
                    search = TsneSearch16.Add(search, matrix, j * n + first, j - first);
            }
            Row16.Store(betas, first, search.Beta);
            for (var j = 0; j < n; j++)
                TsneSearch16.Write(search, matrix, j * n + first, j - first);
        }
    }

    // conditionals: (N, N), C[j,i] = p_{j|i}, in; P: (N, N) out, in place
    public static void TsneJoint(ArrayView<float> matrix, TsneShape s)
    {
        var scale = 0.5f / s.Count;
        for (var index = GridStride.Start; index < s.MatrixLength; index += GridStride.Step)
        {
            var (i, j) = (index / s.Count, index % s.Count);
            if (i == j)
                matrix[index] = 0f;
            else if (i < j)
            {
                var mirror = j * s.Count + i;
                var p = XMath.Max((matrix[index] + matrix[mirror]) * scale, AffinityFloor);
                matrix[index] = p;
                matrix[mirror] = p;
            }
        }
    }

    // P: (N, N)  y: (2, N)  terms: (5, N) = A_x, A_y, B_x, B_y, S; points first … N − 1
    public static void TsneGradientTerms(ArrayView<float> terms, ArrayView<float> affinities, ArrayView<float> y, int first, TsneShape s)
    {
        var n = s.Count;
        for (var i = first + GridStride.Start; i < n; i += GridStride.Step)
        {
            var t = default(TsneTerms);
            for (var j = 0; j < n; j++)
                t = TsneTerms.Add(t, y[i], y[n + i], y[j], y[n + j], affinities[j * n + i], j == i);
            TsneTerms.Store(terms, n, i, t);
        }
    }

    // The same terms for points 0 … 16·⌊N/16⌋ − 1, an item per block of 16 consecutive points (CPU OpenCL: 16-lane vectors).
    public static void TsneGradientTermsBlocks(ArrayView<float> terms, ArrayView<float> affinities, ArrayView<float> y, TsneShape s)
    {
        var n = s.Count;
        for (var block = GridStride.Start; block < n / TsneTerms16.Length; block += GridStride.Step)
        {
            var first = block * TsneTerms16.Length;
            var (x16, y16) = (Row16.Load(y, first), Row16.Load(y, n + first));
            var t = default(TsneTerms16);
            for (var j = 0; j < n; j++)
                t = TsneTerms16.Add(t, x16, y16, y[j], y[n + j], affinities, j * n + first, j - first);
            TsneTerms16.Store(terms, n, first, t);
        }
    }

    // terms: (5, N)  z: (1)
    public static void TsneNormalizer(ArrayView<float> z, ArrayView<float> terms, TsneShape s)
    {
        for (var item = GridStride.Start; item < 1; item += GridStride.Step)
        {
            var total = 0f;
            for (var i = 0; i < s.Count; i++)
                total += terms[4 * s.Count + i];
            z[0] = total;
        }
    }

    // P: (N, N)  y: (2, N)  divergence: (2, N) = Σ_j P_ij log(P_ij / w_ij), Σ_j P_ij
    public static void TsneDivergenceTerms(ArrayView<float> divergence, ArrayView<float> affinities, ArrayView<float> y, TsneShape s)
    {
        var n = s.Count;
        for (var i = GridStride.Start; i < n; i += GridStride.Step)
        {
            var (sum, mass) = (0f, 0f);
            for (var j = 0; j < n; j++)
            {
                var (dx, dy) = (y[i] - y[j], y[n + i] - y[n + j]);
                var p = affinities[j * n + i];
                // P / w = P (1 + |y_i − y_j|²), at least the floor of P; P_ii = 0 adds nothing.
                sum += j == i ? 0f : p * XMath.Log(p * (1f + dx * dx + dy * dy));
                mass += p;
            }
            divergence[i] = sum;
            divergence[n + i] = mass;
        }
    }

    // terms: (5, N)  z: (1)  gradient, update, gains, y: (2, N)
    public static void TsneUpdate(ArrayView<float> y, ArrayView<float> update, ArrayView<float> gains, ArrayView<float> gradient,
        ArrayView<float> terms, ArrayView<float> z, TsneStep step)
    {
        var length = 2 * step.Count;
        for (var c = GridStride.Start; c < length; c += GridStride.Step)
        {
            var g = 4f * (step.Exaggeration * terms[c] - terms[length + c] / z[0]);
            var u = update[c];
            // Delta-bar-delta as scikit-learn: grow where the gradient opposes the last update, shrink elsewhere.
            var gain = u * g < 0f ? gains[c] + GainIncrease : gains[c] * GainDecay;
            gain = XMath.Max(gain, MinGain);
            u = step.Momentum * u - step.LearningRate * gain * g;
            gradient[c] = g;
            gains[c] = gain;
            update[c] = u;
            y[c] += u;
        }
    }
}
// Stryker restore all
