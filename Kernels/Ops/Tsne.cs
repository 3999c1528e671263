using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>How a t-SNE map is drawn: the perplexity of the affinities, the iterations and the seed of the start.</summary>
public sealed record TsneSettings(double Perplexity = 30, int Iterations = 1000, int Seed = 42);

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
/// How the O(N²) passes run on a device:
/// <list type="table">
/// <item><term><see cref="Points"/></term><description>GPUs and ILGPU's CPU accelerator: an item per point, neighbouring
///   items reading neighbouring addresses of P's column.</description></item>
/// <item><term><see cref="Blocks16"/></term><description>CPU OpenCL (PoCL): an item per block of 16 consecutive points in
///   16-lane straight-line code that the compiler vectorises, the last N mod 16 points an item each. One work item runs
///   its j loop alone there, so across-item vectorisation does not happen.</description></item>
/// </list>
/// </summary>
public enum TsnePath
{
    Points,
    Blocks16,
}

public static class TsnePlan
{
    public static TsnePath For(DeviceInfo device) =>
        device.Kind == DeviceKind.OpenCL && device.Type == "CPU" ? TsnePath.Blocks16 : TsnePath.Points;
}

/// <summary>
/// One t-SNE map on a device: P (N×N, built in place over the squared distances), the perplexity search's β (N), and
/// the optimiser's planes (2×N: all x, then all y) for Y, its last update, its gains and its gradient, with the
/// gradient's terms A, B, S (5×N) and Z (1). <see cref="TsneKernels"/> says what each kernel computes.
/// </summary>
public sealed class TsneMap : IDisposable
{
    private readonly ComputeDevice device;
    private readonly TsneShape shape;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> affinities, betas, positions, update, gains, gradient, terms, normalizer, divergence;

    public TsneMap(ComputeDevice device, int count, TsnePath? path = null)
    {
        this.device = device;
        Path = path ?? TsnePlan.For(device.Info);
        shape = new TsneShape(count, 0);
        affinities = device.Allocate((long)count * count);
        betas = device.Allocate(count);
        positions = device.Allocate(2 * count);
        update = device.Allocate(2 * count);
        gains = device.Allocate(2 * count);
        gradient = device.Allocate(2 * count);
        terms = device.Allocate(5 * count);
        normalizer = device.Allocate(1);
        divergence = device.Allocate(2 * count);
    }

    public int Count => shape.Count;

    public TsnePath Path { get; }

    /// <summary>How many blocks of 16 points the blocked kernels take; the per-point kernels take the rest.</summary>
    private int Blocked => Path == TsnePath.Blocks16 ? Count / TsneTerms16.Length : 0;

    /// <summary>P (N×N), symmetric, after <see cref="Affinities"/>.</summary>
    public ArrayView<float> P => affinities.View;

    /// <summary>The precisions β_i the perplexity search found.</summary>
    public ArrayView<float> Betas => betas.View;

    /// <summary>Y as two planes: x_0 … x_{N−1}, y_0 … y_{N−1}.</summary>
    public ArrayView<float> Positions => positions.View;

    /// <summary>The gradient ∂C/∂Y (two planes) of the last <see cref="Step"/>, with its exaggeration.</summary>
    public ArrayView<float> Gradient => gradient.View;

    /// <summary>Z = Σ_{k≠l} w_kl of the last <see cref="Step"/>.</summary>
    public ArrayView<float> Normalizer => normalizer.View;

    // points: (N, F)
    public void Affinities(ArrayView<float> points, int dimensions, float perplexity)
    {
        var s = new TsneShape(Count, dimensions);
        device.Run(TsneKernels.TsneSquaredDistances, device.Launch(s.MatrixLength), P, points, s);
        var first = Blocked * TsneSearch16.Length;
        if (Blocked > 0)
            device.Run(TsneKernels.TsneConditionalsBlocks, device.Launch(Blocked), P, Betas, perplexity, s);
        if (first < Count)
            device.Run(TsneKernels.TsneConditionals, device.Launch(Count - first), P, Betas, perplexity, first, s);
        device.Run(TsneKernels.TsneJoint, device.Launch(s.MatrixLength), P, s);
    }

    /// <summary>Starts the optimiser at <paramref name="planes"/> (two planes) with no update and gains of 1.</summary>
    public void Start(float[] planes)
    {
        Positions.CopyFromCPU(planes);
        Update.CopyFromCPU(new float[2 * Count]);
        Gains.CopyFromCPU(Enumerable.Repeat(1f, 2 * Count).ToArray());
    }

    /// <summary>Iteration <paramref name="iteration"/> (from 0) of gradient descent, with the constants of <see cref="TsneSchedule"/>.</summary>
    public void Step(int iteration)
    {
        GradientTerms();
        device.Run(TsneKernels.TsneUpdate, device.Launch(2 * Count), Positions, Update, Gains, Gradient, Terms, Normalizer,
            TsneSchedule.For(iteration, Count));
    }

    /// <summary>
    /// KL(P‖Q) of the map as it is: Σ_{i≠j} P_ij log(P_ij / q_ij) = Σ_i Σ_j P_ij log(P_ij / w_ij) + (Σ P) log Z, the per-point
    /// sums in float32 on the device, their total in double here. Refreshes <see cref="Normalizer"/>.
    /// </summary>
    public double KullbackLeibler()
    {
        GradientTerms();
        device.Run(TsneKernels.TsneDivergenceTerms, device.Launch(Count), Divergence, P, Positions, shape);
        device.Synchronize();
        var (perPoint, z) = (new float[2 * Count], new float[1]);
        Divergence.CopyToCPU(perPoint);
        Normalizer.CopyToCPU(z);
        return perPoint.Take(Count).Sum(v => (double)v) + perPoint.Skip(Count).Sum(v => (double)v) * Math.Log(z[0]);
    }

    private void GradientTerms()
    {
        var first = Blocked * TsneTerms16.Length;
        if (Blocked > 0)
            device.Run(TsneKernels.TsneGradientTermsBlocks, device.Launch(Blocked), Terms, P, Positions, shape);
        if (first < Count)
            device.Run(TsneKernels.TsneGradientTerms, device.Launch(Count - first), Terms, P, Positions, first, shape);
        device.Run(TsneKernels.TsneNormalizer, device.Launch(1), Normalizer, Terms, shape);
    }

    private ArrayView<float> Terms => terms.View;
    private ArrayView<float> Update => update.View;
    private ArrayView<float> Gains => gains.View;
    private ArrayView<float> Divergence => divergence.View;

    public void Dispose()
    {
        foreach (var buffer in new[] { affinities, betas, positions, update, gains, gradient, terms, normalizer, divergence })
            buffer.Dispose();
    }
}

/// <summary>
/// Exact t-SNE of a set of points on a device: O(N²) memory (4N² bytes of P) and O(N²) work per iteration, repeatable
/// bit for bit for a seed on one backend.
/// </summary>
public static class Tsne
{
    /// <summary>The largest N whose N×N matrix an int indexes.</summary>
    public const int MaxCount = 46340;

    /// <summary>
    /// The 2-D map of <paramref name="points"/> (count × dimensions, row-major): count × 2, row-major (x0, y0, x1, y1, …).
    /// <paramref name="progress"/> gets the iterations done every 10 iterations and at the end, on the calling thread.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// Fewer than 4 points, more than <see cref="MaxCount"/>, a length that is not count × dimensions, a point that is not
    /// finite, a perplexity outside [1, count − 1) (the entropy log(perplexity) must stay below log(count − 1), that of
    /// count − 1 equal neighbours), or a negative number of iterations.
    /// </exception>
    public static float[] Project(ComputeDevice device, float[] points, int count, int dimensions, TsneSettings settings, Action<int>? progress = null) =>
        Project(device, points, count, dimensions, settings, divergence: false, progress).Map;

    /// <summary>
    /// <see cref="Project(ComputeDevice, float[], int, int, TsneSettings, Action{int}?)"/>, and the map's KL(P‖Q) at the end
    /// (one more O(N²) pass).
    /// </summary>
    public static (float[] Map, double KullbackLeibler) ProjectWithDivergence(ComputeDevice device, float[] points, int count, int dimensions,
        TsneSettings settings, Action<int>? progress = null)
    {
        var (map, divergence) = Project(device, points, count, dimensions, settings, divergence: true, progress);
        return (map, divergence!.Value);
    }

    private static (float[] Map, double? Divergence) Project(ComputeDevice device, float[] points, int count, int dimensions, TsneSettings settings,
        bool divergence, Action<int>? progress)
    {
        Validate(points, count, dimensions, settings);
        using var input = device.Allocate(points.Length);
        input.View.CopyFromCPU(points);
        using var map = new TsneMap(device, count);
        map.Affinities(input.View, dimensions, (float)settings.Perplexity);
        map.Start(InitialPositions(count, settings.Seed));
        for (var iteration = 0; iteration < settings.Iterations; iteration++)
        {
            map.Step(iteration);
            if ((iteration + 1) % 10 == 0 || iteration + 1 == settings.Iterations)
            {
                device.Synchronize();
                progress?.Invoke(iteration + 1);
            }
        }
        device.Synchronize();
        var planes = new float[2 * count];
        map.Positions.CopyToCPU(planes);
        return (Interleave(planes, count), divergence ? map.KullbackLeibler() : null);
    }

    /// <summary>
    /// The start of the map as two planes: 2N draws of N(0, (10⁻⁴)²) from <see cref="Random"/>(seed) by Box-Muller,
    /// taken in row order (x0, y0, x1, y1, …).
    /// </summary>
    public static float[] InitialPositions(int count, int seed)
    {
        var random = new Random(seed);
        var planes = new float[2 * count];
        for (var k = 0; k < 2 * count; k += 2)
        {
            var radius = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * TsneSchedule.InitialSpread;
            var angle = 2 * Math.PI * random.NextDouble();
            planes[k / 2] = (float)(radius * Math.Cos(angle));
            planes[count + k / 2] = (float)(radius * Math.Sin(angle));
        }
        return planes;
    }

    /// <summary>Two planes (all x, all y) as rows (x0, y0, x1, y1, …).</summary>
    public static float[] Interleave(float[] planes, int count)
    {
        var rows = new float[2 * count];
        for (var i = 0; i < count; i++)
            (rows[2 * i], rows[2 * i + 1]) = (planes[i], planes[count + i]);
        return rows;
    }

    private static void Validate(float[] points, int count, int dimensions, TsneSettings settings)
    {
        if (count < 4)
            throw new ArgumentException($"t-SNE needs at least 4 points, got {count}", nameof(count));
        if (count > MaxCount)
            throw new ArgumentException($"exact t-SNE keeps a count × count matrix: at most {MaxCount} points, got {count}", nameof(count));
        if (dimensions < 1)
            throw new ArgumentException($"points need at least one dimension, got {dimensions}", nameof(dimensions));
        if (points.Length != (long)count * dimensions)
            throw new ArgumentException($"{points.Length} values are not {count} points × {dimensions} dimensions", nameof(points));
        var bad = Array.FindIndex(points, v => !float.IsFinite(v));
        if (bad >= 0)
            throw new ArgumentException($"point {bad / dimensions} has a value that is not finite ({points[bad]}) in dimension {bad % dimensions}", nameof(points));
        if (!(settings.Perplexity >= 1 && settings.Perplexity < count - 1))
            throw new ArgumentException($"perplexity {settings.Perplexity} must be at least 1 and below count − 1 = {count - 1}", nameof(settings));
        if (settings.Iterations < 0)
            throw new ArgumentException($"iterations must not be negative, got {settings.Iterations}", nameof(settings));
    }
}
