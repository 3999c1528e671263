using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Oracle.Checks;

/// <summary>A t-SNE check's map: <see cref="Count"/> random points of <see cref="Dimensions"/> coordinates in [-2, 2], their affinities at <see cref="Perplexity"/>, by <see cref="Path"/>.</summary>
public sealed record TsneCase(int Count, int Dimensions, double Perplexity, TsnePath Path);

public static partial class KernelChecks
{
    /// <summary>Points rounded to float32, so the device and the reference see the same input.</summary>
    public static double[] TsnePoints(Random random, int count, int dimensions) => random.UniformFloat(count * dimensions, -2, 2);

    /// <summary>
    /// The affinities, distances to P, then (on a map of the reference's P and random positions) two steps, the first
    /// exaggerated and the second not, with the update and gains of the first carried into the second, and KL(P‖Q).
    /// </summary>
    public static IEnumerable<Comparison> Tsne(ComputeDevice device, Random random, TsneCase c) =>
    [
        .. TsneAffinities(device, random, c),
        .. TsneSteps(device, random, c, TsneSchedule.ExaggerationIterations - 1, TsneSchedule.ExaggerationIterations),
        TsneDivergence(device, random, c),
    ];

    /// <summary>
    /// Squared distances, the β search and the joint P, by the case's path. β within 10⁻³: the float32 search stops
    /// within its tolerance, the reference's goes on to 10⁻⁹.
    /// </summary>
    public static IEnumerable<Comparison> TsneAffinities(ComputeDevice device, Random random, TsneCase c)
    {
        var points = TsnePoints(random, c.Count, c.Dimensions);
        var reference = TsneReference.Joint(points, c.Count, c.Dimensions, c.Perplexity);
        using var buffers = new DeviceBuffers(device);
        using var map = new TsneMap(device, c.Count, c.Path);
        DeviceBuffers.Poison(map.P);
        DeviceBuffers.Poison(map.Betas);
        map.Affinities(buffers.Upload(points), c.Dimensions, (float)c.Perplexity);
        return
        [
            Comparison.Of("beta", buffers.Read(map.Betas), reference.Betas, atol: 0, rtol: 1e-3),
            Comparison.Of("P", buffers.Read(map.P), reference.P, atol: 1e-7, rtol: 1e-3),
        ];
    }

    /// <summary>
    /// From the reference's P and random positions in [-3, 3], the given iterations one after another, the reference
    /// stepping alongside with its own update and gains: after each, Z, the gradient (with its exaggeration) and Y.
    /// A step after the first checks the momentum and both ways the gains change, which a step from the start cannot.
    /// </summary>
    public static IEnumerable<Comparison> TsneSteps(ComputeDevice device, Random random, TsneCase c, params int[] iterations)
    {
        var (p, y) = RandomTsneMap(random, c);
        var (update, gains) = (new double[2 * c.Count], Enumerable.Repeat(1.0, 2 * c.Count).ToArray());
        using var buffers = new DeviceBuffers(device);
        using var map = TsneMapAt(device, c, p, y);
        var comparisons = new List<Comparison>();
        foreach (var iteration in iterations)
        {
            DeviceBuffers.Poison(map.Gradient);
            DeviceBuffers.Poison(map.Normalizer);
            map.Step(iteration);
            var (z, gradient) = (TsneReference.Normalizer(y, c.Count), TsneReference.Gradient(p, y, c.Count, TsneSchedule.For(iteration, c.Count).Exaggeration));
            TsneReference.Step(y, update, gains, p, c.Count, iteration);
            comparisons.Add(Comparison.Of($"Z at iteration {iteration}", buffers.Read(map.Normalizer), [z], atol: 0, rtol: 1e-5));
            comparisons.Add(Comparison.Of($"dY at iteration {iteration}", buffers.Read(map.Gradient), gradient, atol: 1e-6, rtol: 1e-3));
            var positions = buffers.Read(map.Positions);
            comparisons.Add(Comparison.Of($"Y after iteration {iteration}", positions, y, atol: 1e-5, rtol: 1e-3));
            // The next step from the device's positions: from the reference's own, float32 rounding would grow step by step.
            y = positions.Select(v => (double)v).ToArray();
        }
        return comparisons;
    }

    /// <summary>KL(P‖Q) of the reference's P and random positions in [-3, 3] (a map far from P), to a relative 10⁻⁴.</summary>
    public static Comparison TsneDivergence(ComputeDevice device, Random random, TsneCase c)
    {
        var (p, y) = RandomTsneMap(random, c);
        using var map = TsneMapAt(device, c, p, y);
        return Comparison.Of("KL(P‖Q)", [(float)map.KullbackLeibler()], [TsneReference.KullbackLeibler(p, y, c.Count)], atol: 0, rtol: 1e-4);
    }

    /// <summary>The reference's P of random points, and random positions in [-3, 3] (float32) as two planes.</summary>
    private static (double[] P, double[] Y) RandomTsneMap(Random random, TsneCase c) =>
        (TsneReference.Joint(TsnePoints(random, c.Count, c.Dimensions), c.Count, c.Dimensions, c.Perplexity).P, random.UniformFloat(2 * c.Count, -3, 3));

    /// <summary>A map by the case's path, holding P and started at Y.</summary>
    private static TsneMap TsneMapAt(ComputeDevice device, TsneCase c, double[] p, double[] y)
    {
        var map = new TsneMap(device, c.Count, c.Path);
        map.P.CopyFromCPU(p.Select(v => (float)v).ToArray());
        map.Start(y.Select(v => (float)v).ToArray());
        return map;
    }

    /// <summary>A t-SNE check by one path, forced: every device can take both.</summary>
    private static KernelCheck TsneCheck(string op, TsneCase c) =>
        new(op, (device, random) => Tsne(device, random, c), _ => c.Path == TsnePath.Blocks16
            ? $"blocks of 16, the last {c.Count % 16} per point"
            : "per point");
}
