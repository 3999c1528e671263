using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

/// <summary>The GEMM engine directly: odd shapes (partial row and column tiles), against float64; the transpose.</summary>
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
        var a = numbers.UniformFloat(m * k);
        var b = numbers.UniformFloat(k * n);
        using var arrays = new DeviceBuffers(Device);
        var c = arrays.Poisoned(m * n);
        new Gemm(Device).Run(c, arrays.Upload(a), arrays.Upload(b), c,
            new GemmShape(m, n, k, aTransposed ? 1 : k, aTransposed ? m : 1, n, GemmEpilogue.Store, n, 1));
        Close.Assert("C", arrays.Read(c), Product(a, b, m, n, k, aTransposed));
    }

    /// <summary>
    /// Edge tiles overlap their neighbours: each element must still be added to exactly once, and both
    /// kernels (whole tiles and small C) sum k in the same order, so they give the same bits.
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
        var a = numbers.UniformFloat(m * k);
        var b = numbers.UniformFloat(k * n);
        var before = numbers.UniformFloat(m * n);
        using var arrays = new DeviceBuffers(Device);
        var c = arrays.Upload(before);
        new Gemm(Device).Run(c, arrays.Upload(a), arrays.Upload(b), c,
            new GemmShape(m, n, k, k, 1, n, GemmEpilogue.Accumulate, n, 1));
        var product = Product(a, b, m, n, k, aTransposed: false);
        // A float sum of k products of size ~1/3 near 0 is off by about k·2⁻²⁴ at worst.
        Close.Assert("C", arrays.Read(c), product.Select((v, i) => v + before[i]).ToArray(), atol: 1e-5 + 1e-7 * k);
    }

    [TestCase(9, 16, 23)]
    [TestCase(9, 37, 23)]
    public void TiledAndSmallKernelsGiveTheSameBits(int m, int n, int k)
    {
        var numbers = new Numbers();
        var a = numbers.UniformFloat(m * k);
        var b = numbers.UniformFloat(k * n);
        using var arrays = new DeviceBuffers(Device);
        var (deviceA, deviceB) = (arrays.Upload(a), arrays.Upload(b));
        var tiled = arrays.Poisoned(m * n);
        new Gemm(Device).Run(tiled, deviceA, deviceB, tiled, new GemmShape(m, n, k, k, 1, n, GemmEpilogue.Store, n, 1));
        var whole = arrays.Read(tiled);
        // The first 7 rows alone are fewer than a tile's: the row kernel computes them.
        var rows = arrays.Poisoned(7 * n);
        new Gemm(Device).Run(rows, deviceA, deviceB, rows, new GemmShape(7, n, k, k, 1, n, GemmEpilogue.Store, n, 1));
        Assert.That(arrays.Read(rows), Is.EqualTo(whole.Take(7 * n).ToArray()));
        // The first 15 columns alone are fewer than a tile's: the per-element kernel computes them.
        var columns = arrays.Poisoned(m * 15);
        new Gemm(Device).Run(columns, deviceA, deviceB, columns, new GemmShape(m, 15, k, k, 1, n, GemmEpilogue.Store, 15, 1));
        Assert.That(arrays.Read(columns), Is.EqualTo(Enumerable.Range(0, m * 15).Select(i => whole[i / 15 * n + i % 15]).ToArray()));
    }

    [TestCase(3, 5)]
    [TestCase(17, 40)]
    public void TransposeMatchesReference(int rows, int columns)
    {
        var x = new Numbers().UniformFloat(rows * columns);
        using var arrays = new DeviceBuffers(Device);
        var y = arrays.Poisoned(rows * columns);
        new Gemm(Device).Transpose(y, arrays.Upload(x), new TransposeShape(rows, columns));
        var expected = new double[rows * columns];
        for (var r = 0; r < rows; r++)
            for (var j = 0; j < columns; j++)
                expected[j * rows + r] = x[r * columns + j];
        Close.Assert("transposed", arrays.Read(y), expected);
    }
}
