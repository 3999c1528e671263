using IlgpuSiamese.Training.Maps;

namespace IlgpuSiamese.Tests.Maps;

/// <summary>PCA of embeddings: points on a known plane come back as their coordinates in it, largest variance first, signs fixed.</summary>
public class PrincipalComponentsTests
{
    private const int Count = 200, Size = 6;

    /// <summary>
    /// Orthonormal u, v in 6-D; point i = centre + a_i·u + b_i·v with var(a) about 9 var(b), so u is the first component.
    /// Every (a, b) comes with (a, −b): a and b are uncorrelated in the sample itself, so its principal axes are u and v exactly.
    /// </summary>
    private static (float[] Embeddings, double[] A, double[] B, double[] U, double[] V) OnAPlane(int seed)
    {
        var random = new Random(seed);
        double[] u = [0.6, -0.8, 0, 0, 0, 0], v = [0, 0, 0.28, 0, -0.96, 0];
        var centre = Enumerable.Range(0, Size).Select(_ => random.NextDouble() * 4 - 2).ToArray();
        var a = Enumerable.Range(0, Count / 2).Select(_ => 3 * Gaussian(random)).ToArray();
        var b = Enumerable.Range(0, Count / 2).Select(_ => Gaussian(random)).ToArray();
        (a, b) = ([.. a, .. a], [.. b, .. b.Select(x => -x)]);
        var embeddings = new float[Count * Size];
        for (var i = 0; i < Count; i++)
            for (var k = 0; k < Size; k++)
                embeddings[i * Size + k] = (float)(centre[k] + a[i] * u[k] + b[i] * v[k]);
        return (embeddings, a, b, u, v);
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Test]
    public void PointsOnAPlaneComeBackAsTheirCoordinatesInIt()
    {
        var (embeddings, a, b, u, v) = OnAPlane(seed: 11);
        var (points, shares) = PrincipalComponents.Project(embeddings, Count, Size);
        // The largest component of each axis is made positive: u's is -0.8, v's is -0.96, so both come back negated.
        var (signU, signV) = (-1.0, -1.0);
        Assert.That(u.MaxBy(Math.Abs), Is.LessThan(0));
        Assert.That(v.MaxBy(Math.Abs), Is.LessThan(0));
        var (meanA, meanB) = (a.Average(), b.Average());
        for (var i = 0; i < Count; i++)
        {
            Assert.That(points[2 * i], Is.EqualTo(signU * (a[i] - meanA)).Within(1e-4), $"point {i}, axis 1");
            Assert.That(points[2 * i + 1], Is.EqualTo(signV * (b[i] - meanB)).Within(1e-4), $"point {i}, axis 2");
        }
        var (varianceA, varianceB) = (a.Sum(x => (x - meanA) * (x - meanA)), b.Sum(x => (x - meanB) * (x - meanB)));
        Assert.That(shares[0], Is.EqualTo(varianceA / (varianceA + varianceB)).Within(1e-9));
        Assert.That(shares[1], Is.EqualTo(varianceB / (varianceA + varianceB)).Within(1e-9));
    }

    [Test]
    public void ShuffledPointsGiveTheSameMapShuffled()
    {
        var (embeddings, _, _, _, _) = OnAPlane(seed: 12);
        var order = Enumerable.Range(0, Count).ToArray();
        new Random(3).Shuffle(order);
        var shuffled = order.SelectMany(i => embeddings.AsSpan(i * Size, Size).ToArray()).ToArray();
        var (points, _) = PrincipalComponents.Project(embeddings, Count, Size);
        var (again, _) = PrincipalComponents.Project(shuffled, Count, Size);
        for (var r = 0; r < Count; r++)
        {
            Assert.That(again[2 * r], Is.EqualTo(points[2 * order[r]]).Within(1e-4));
            Assert.That(again[2 * r + 1], Is.EqualTo(points[2 * order[r] + 1]).Within(1e-4));
        }
    }

    [TestCase(1, 4)]
    [TestCase(5, 1)]
    public void TooFewPointsOrValuesAreRefused(int count, int size) =>
        Assert.That(() => PrincipalComponents.Project(new float[count * size], count, size), Throws.ArgumentException.With.Message.Contains("PCA needs"));
}
