using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>How a t-SNE map is drawn: the perplexity of the affinities, the iterations and the seed of the start.</summary>
public sealed record TsneSettings(double Perplexity = 30, int Iterations = 1000, int Seed = 42);

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
