using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

/// <summary>The GEMM engine directly, by the device's plan and by every path forced: odd shapes (partial row and column tiles), against float64; the transpose.</summary>
[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class GemmKernelTests(string deviceId) : BackendFixture(deviceId)
{
    internal static double[] Product(double[] a, double[] b, int m, int n, int k, bool aTransposed)
    {
        var c = new double[m * n];
        for (var r = 0; r < m; r++)
            for (var j = 0; j < n; j++)
            {
                var sum = 0.0;
                for (var i = 0; i < k; i++)
                    sum += (aTransposed ? a[i * m + r] : a[r * k + i]) * b[i * n + j];
                c[r * n + j] = sum;
            }
        return c;
    }

    private static GemmShape Shape(int m, int n, int k, bool aTransposed) =>
        aTransposed ? GemmShape.Product(m, n, k).TransposedA() : GemmShape.Product(m, n, k);

    [TestCase(1, 1, 1, false)]
    [TestCase(5, 17, 9, false)]
    [TestCase(7, 33, 40, true)]
    [TestCase(16, 48, 3, false)]
    [TestCase(13, 100, 29, true)]
    [TestCase(20, 5, 11, false)]
    [TestCase(8, 16, 1, true)]
    [TestCase(9, 17, 6, false)]
    [TestCase(31, 47, 19, true)]
    public void StoreMatchesReference(int m, int n, int k, bool aTransposed)
    {
        var numbers = new Numbers();
        foreach (var comparison in KernelChecks.Gemm(Device, numbers.Random, GemmPlan.For(Device.Info, Shape(m, n, k, aTransposed))))
            Close.That(comparison);
    }

    /// <summary>Every kernel forced on this backend, wherever it can run the shape: partial tiles both ways, A transposed, one row or column.</summary>
    [TestCaseSource(nameof(PathsAndShapes))]
    public void EveryPathMatchesReference(GemmPath path, int m, int n, int k, bool aTransposed)
    {
        var numbers = new Numbers();
        foreach (var comparison in KernelChecks.Gemm(Device, numbers.Random, GemmPlan.Forced(Shape(m, n, k, aTransposed), path)))
            Close.That(comparison);
    }

    private static IEnumerable<TestCaseData> PathsAndShapes() =>
        from path in Enum.GetValues<GemmPath>()
        from shape in new (int M, int N, int K)[] { (13, 37, 29), (8, 16, 3), (31, 47, 19), (5, 40, 7), (20, 5, 11), (1, 1, 4) }
        where path switch
        {
            GemmPath.RegisterTiles => shape.M >= GemmShape.TileRows && shape.N >= GemmShape.TileColumns,
            GemmPath.Rows => shape.N >= GemmShape.TileColumns,
            _ => true,
        }
        from aTransposed in new[] { false, true }
        select new TestCaseData(path, shape.M, shape.N, shape.K, aTransposed);

    /// <summary>Split K on every kernel forced: slices of K summed into partials, then added in slice order onto C.</summary>
    [Test]
    public void SplitKOnEveryPathAccumulatesTheReference([Values] GemmPath path, [Values(2, 3)] int slices)
    {
        var s = GemmShape.Product(9, 32, 50).Accumulating();
        var numbers = new Numbers();
        foreach (var comparison in KernelChecks.Gemm(Device, numbers.Random, GemmPlan.Forced(s, path, slices)))
            Close.That(comparison);
    }

    /// <summary>
    /// Edge tiles overlap their neighbours: each element must still be added to exactly once, and every
    /// kernel sums k in the same order, so they give the same bits.
    /// </summary>
    [TestCase(13, 37, 5)]
    [TestCase(8, 16, 3)]
    [TestCase(4, 40, 7)]
    [TestCase(9, 32, 12_345)] // K split into slices: few tiles, a long sum
    [TestCase(9, 32, 12_346)] // the same, K not a multiple of the slice length: the last slice is shorter
    [TestCase(3, 20, 9_000)]
    public void AccumulateAddsEachElementOnce(int m, int n, int k)
    {
        var numbers = new Numbers();
        foreach (var comparison in KernelChecks.Gemm(Device, numbers.Random, GemmPlan.For(Device.Info, GemmShape.Product(m, n, k).Accumulating())))
            Close.That(comparison);
    }

    [TestCase(9, 32, 12_345, 3)]
    [TestCase(3, 20, 9_000, 2)]
    [TestCase(9, 32, 8_191, 1)]
    [TestCase(128, 64, 12_345, 1)]
    public void KIsSplitWhenAnAccumulatingProductHasFewTilesAndALongSum(int m, int n, int k, int slices) =>
        Assert.That(GemmPlan.For(Device.Info, GemmShape.Product(m, n, k).Accumulating()).Slices, Is.EqualTo(slices));

    [TestCase(9, 37, 23, false)]
    [TestCase(9, 37, 23, true)]
    [TestCase(16, 16, 40, false)]
    public void EveryPathGivesTheSameBits(int m, int n, int k, bool aTransposed)
    {
        var numbers = new Numbers();
        var (a, b) = (numbers.UniformFloat(m * k), numbers.UniformFloat(k * n));
        using var arrays = new DeviceBuffers(Device);
        using var gemm = new Gemm(Device);
        var (deviceA, deviceB) = (arrays.Upload(a), arrays.Upload(b));
        float[] Run(GemmPath path)
        {
            var c = arrays.Poisoned(m * n);
            gemm.Run(c, deviceA, deviceB, c, GemmPlan.Forced(Shape(m, n, k, aTransposed), path));
            return arrays.Read(c);
        }
        var tiles = Run(GemmPath.RegisterTiles);
        Assert.That(tiles, Has.None.NaN);
        foreach (var path in new[] { GemmPath.Rows, GemmPath.Elements, GemmPath.SharedTiles })
            Assert.That(Run(path), Is.EqualTo(tiles).AsCollection, path.ToString());
    }

    [Test]
    public void APathThatCannotRunTheShapeIsRefused()
    {
        Assert.That(() => GemmPlan.Forced(GemmShape.Product(7, 40, 5), GemmPath.RegisterTiles),
            Throws.ArgumentException.With.Message.Contains("at least 8 rows and 16 columns"));
        Assert.That(() => GemmPlan.Forced(GemmShape.Product(20, 15, 5), GemmPath.RegisterTiles), Throws.ArgumentException);
        Assert.That(() => GemmPlan.Forced(GemmShape.Product(20, 15, 5), GemmPath.Rows),
            Throws.ArgumentException.With.Message.Contains("at least 16 columns"));
        Assert.That(() => GemmPlan.Forced(GemmShape.Product(20, 40, 50), GemmPath.RegisterTiles, slices: 2),
            Throws.ArgumentException.With.Message.Contains("accumulating"));
        Assert.That(() => GemmPlan.Forced(GemmShape.Product(20, 40, 5).Accumulating(), GemmPath.RegisterTiles, slices: 6),
            Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    /// <summary>The device's own choice: shared-memory tiles on GPUs; on CPUs register tiles, rows under 8 rows of C, elements under 16 columns.</summary>
    [TestCase(9, 16, GemmPath.RegisterTiles)]
    [TestCase(7, 16, GemmPath.Rows)]
    [TestCase(9, 15, GemmPath.Elements)]
    [TestCase(7, 15, GemmPath.Elements)]
    public void TheDevicePicksItsPath(int m, int n, GemmPath onCpus)
    {
        var plan = GemmPlan.For(Device.Info, GemmShape.Product(m, n, 5));
        Assert.That(plan.Path, Is.EqualTo(Device.Info.IsGpu ? GemmPath.SharedTiles : onCpus));
        Assert.That(plan.Slices, Is.EqualTo(1));
    }

    [TestCase(3, 5)]
    [TestCase(17, 40)]
    public void TransposeMatchesReference(int rows, int columns)
    {
        var x = new Numbers().UniformFloat(rows * columns);
        using var arrays = new DeviceBuffers(Device);
        var y = arrays.Poisoned(rows * columns);
        using var gemm = new Gemm(Device);
        gemm.Transpose(y, arrays.Upload(x), new TransposeShape(rows, columns));
        var expected = new double[rows * columns];
        for (var r = 0; r < rows; r++)
            for (var j = 0; j < columns; j++)
                expected[j * rows + r] = x[r * columns + j];
        Close.Assert("transposed", arrays.Read(y), expected);
    }
}
