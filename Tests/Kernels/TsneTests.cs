using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

public class TsneReferenceTests
{
    internal const int Count = 40;
    internal const int Dimensions = 7;
    internal const double Perplexity = 8;

    internal static double[] Points(Numbers numbers, int count = Count, int dimensions = Dimensions) =>
        KernelChecks.TsnePoints(numbers.Random, count, dimensions);

    [Test]
    public void AffinitiesReachThePerplexityAndFormAJointDistribution()
    {
        var affinities = TsneReference.Joint(Points(new Numbers()), Count, Dimensions, Perplexity);
        for (var i = 0; i < Count; i++)
        {
            var row = affinities.Conditionals.Skip(i * Count).Take(Count).ToArray();
            Assert.That(row.Sum(), Is.EqualTo(1).Within(1e-12), $"row {i} of p_(j|i)");
            Assert.That(Math.Exp(-row.Where(p => p > 0).Sum(p => p * Math.Log(p))), Is.EqualTo(Perplexity).Within(1e-6), $"perplexity of row {i}");
            Assert.That(row[i], Is.Zero);
        }
        var p = affinities.P;
        Assert.That(p.Sum(), Is.EqualTo(1).Within(1e-9));
        for (var i = 0; i < Count; i++)
        for (var j = 0; j < Count; j++)
            Assert.That(p[i * Count + j], Is.EqualTo(p[j * Count + i]), $"P symmetric at ({i}, {j})");
    }

    [TestCase(1.0)]
    [TestCase(12.0)]
    public void GradientMatchesFiniteDifferencesOfTheObjective(double exaggeration)
    {
        var numbers = new Numbers();
        var p = TsneReference.Joint(Points(numbers), Count, Dimensions, Perplexity).P;
        var y = numbers.Uniform(2 * Count);
        var gradient = TsneReference.Gradient(p, y, Count, exaggeration);
        GradientCheck.Probe("dY", y, gradient, () => TsneReference.Objective(p, y, Count, exaggeration), numbers.Random, probes: 30);
    }
}

[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class TsneKernelTests(string deviceId) : BackendFixture(deviceId)
{
    private const int Count = TsneReferenceTests.Count;

    private float[] Read(ArrayView<float> view)
    {
        Device.Synchronize();
        var values = new float[view.Length];
        view.CopyToCPU(values);
        return values;
    }

    private static float[] Planes(double[] values) => values.Select(v => (float)v).ToArray();

    private static TsneCase Case(TsnePath path) => new(Count, TsneReferenceTests.Dimensions, TsneReferenceTests.Perplexity, path);

    [Test]
    public void AffinitiesMatchReference([Values] TsnePath path)
    {
        foreach (var comparison in KernelChecks.TsneAffinities(Device, new Numbers().Random, Case(path)))
            Close.That(comparison);
    }

    /// <summary>Iteration 0 runs with exaggeration 12, iteration 300 without. 40 points: two blocks of 16 and 8 more.</summary>
    [Test]
    public void GradientMatchesReference([Values(0, 300)] int iteration, [Values] TsnePath path)
    {
        Assert.That(TsneSchedule.For(iteration, Count).Exaggeration, Is.EqualTo(iteration < 250 ? 12.0 : 1.0));
        foreach (var comparison in KernelChecks.TsneSteps(Device, new Numbers().Random, Case(path), iteration))
            Close.That(comparison);
    }

    /// <summary>
    /// A few iterations from the seed's start, the reference's from the device's own P (the β search stops within its
    /// tolerance, so the two P differ by ~10⁻⁵): after more, rounding is amplified (the early, exaggerated map is unstable
    /// by design) and the two drift apart. Errors are measured against the map's extent, as near-cancelling coordinates
    /// have no relative accuracy.
    /// </summary>
    [TestCase(1)]
    [TestCase(3)]
    public void IterationsMatchReference(int iterations)
    {
        var numbers = new Numbers();
        var points = TsneReferenceTests.Points(numbers);
        var seed = numbers.Random.Next();
        using var input = Device.Allocate(points.Length);
        input.View.CopyFromCPU(Planes(points));
        using var map = new TsneMap(Device, Count);
        map.Affinities(input.View, TsneReferenceTests.Dimensions, (float)TsneReferenceTests.Perplexity);
        map.Start(Tsne.InitialPositions(Count, seed));
        for (var iteration = 0; iteration < iterations; iteration++)
            map.Step(iteration);
        var reference = TsneReference.Iterate(Numbers.ToDouble(Read(map.P)), Count, seed, iterations);
        var extent = reference.Max(Math.Abs);
        Close.Assert("Y", Read(map.Positions), reference, atol: 1e-4 * extent, rtol: 1e-4);
    }

    [Test]
    public void DivergenceMatchesReference()
    {
        var comparison = KernelChecks.TsneDivergence(Device, new Numbers().Random, Case(TsnePlan.For(Device.Info)));
        Assert.That(comparison.WorstReference, Is.GreaterThan(0.1), "a random map is far from P");
        Close.That(comparison);
    }

    [Test]
    public void OneSeedGivesIdenticalMapsAndAnotherSeedAnotherMap()
    {
        var points = Planes(TsneReferenceTests.Points(new Numbers()));
        float[] Map(int seed) => Tsne.Project(Device, points, Count, TsneReferenceTests.Dimensions, new TsneSettings(TsneReferenceTests.Perplexity, 50, seed));
        Assert.That(Map(7), Is.EqualTo(Map(7)).AsCollection);
        Assert.That(Map(7), Is.Not.EqualTo(Map(8)).AsCollection);
    }

    /// <summary>
    /// Three blobs in 10-D end as three groups in 2-D: every point nearer its own blob's centroid than another's; the KL
    /// divergence has fallen to under half that of the start.
    /// </summary>
    [Test]
    public void SeparatesThreeBlobs()
    {
        const int blobs = 3, perBlob = 30, dimensions = 10;
        var numbers = new Numbers();
        var centres = numbers.Uniform(blobs * dimensions, -5, 5);
        var noise = numbers.Uniform(blobs * perBlob * dimensions);
        var points = noise.Select((x, index) => (float)(x + centres[index / dimensions % blobs * dimensions + index % dimensions])).ToArray();
        var progress = new List<int>();
        var settings = new TsneSettings(Perplexity: 10, Iterations: 500);
        var (map, divergence) = Tsne.ProjectWithDivergence(Device, points, blobs * perBlob, dimensions, settings, progress.Add);
        Assert.That(progress, Is.EqualTo(Enumerable.Range(1, 50).Select(k => 10 * k)));
        var p = TsneReference.Joint(Numbers.ToDouble(points), blobs * perBlob, dimensions, settings.Perplexity).P;
        var start = Numbers.ToDouble(Tsne.InitialPositions(blobs * perBlob, settings.Seed));
        Assert.That(divergence, Is.LessThan(TsneReference.KullbackLeibler(p, start, blobs * perBlob) / 2), "KL(P‖Q) at the end vs at the start");
        var blobOf = (int i) => i % blobs;
        var centroids = Enumerable.Range(0, blobs).Select(b =>
        {
            var members = Enumerable.Range(0, blobs * perBlob).Where(i => blobOf(i) == b).ToList();
            return (X: members.Average(i => map[2 * i]), Y: members.Average(i => map[2 * i + 1]));
        }).ToArray();
        double Distance(int i, int b) => Math.Pow(map[2 * i] - centroids[b].X, 2) + Math.Pow(map[2 * i + 1] - centroids[b].Y, 2);
        for (var i = 0; i < blobs * perBlob; i++)
        {
            var nearest = Enumerable.Range(0, blobs).MinBy(b => Distance(i, b));
            Assert.That(nearest, Is.EqualTo(blobOf(i)), $"point {i} of blob {blobOf(i)}");
        }
    }

    [Test]
    public void ProjectFreesItsBuffers()
    {
        var (inUse, allocated) = (Device.BytesInUse, Device.BytesAllocated);
        Tsne.Project(Device, Planes(TsneReferenceTests.Points(new Numbers())), Count, TsneReferenceTests.Dimensions, new TsneSettings(8, 3));
        Assert.That(Device.BytesAllocated - allocated, Is.GreaterThan(Count * Count * sizeof(float)), "P was allocated");
        Assert.That(Device.BytesInUse, Is.EqualTo(inUse), "and freed");
    }

    [Test]
    public void RefusesWhatItCannotMap()
    {
        var points = new float[10 * 3];
        ArgumentException Refusal(float[] values, int count, double perplexity = 2, int iterations = 10) =>
            Assert.Throws<ArgumentException>(() => Tsne.Project(Device, values, count, 3, new TsneSettings(perplexity, iterations)))!;
        Assert.That(Refusal(new float[9], 3).Message, Does.Contain("at least 4 points"));
        Assert.That(Refusal(new float[3], 46341).Message, Does.Contain("at most 46340 points"));
        Assert.That(Refusal(new float[29], 10).Message, Does.Contain("not 10 points × 3 dimensions"));
        var withNaN = (float[])points.Clone();
        withNaN[7] = float.NaN;
        Assert.That(Refusal(withNaN, 10).Message, Does.Contain("point 2").And.Contain("dimension 1"));
        Assert.That(Refusal(points, 10, perplexity: 9).Message, Does.Contain("perplexity 9"));
        Assert.That(Refusal(points, 10, perplexity: 0.5).Message, Does.Contain("perplexity 0.5"));
        Assert.That(Refusal(points, 10, perplexity: double.NaN).Message, Does.Contain("perplexity NaN"));
        Assert.That(Refusal(points, 10, iterations: -1).Message, Does.Contain("iterations"));
    }
}
