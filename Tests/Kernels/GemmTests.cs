using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

/// <summary>The GEMM engine directly: odd shapes (partial row and column tiles), against float64; the transpose.</summary>
[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class GemmKernelTests(string deviceId) : BackendFixture(deviceId)
{
    private static double[] Product(double[] a, double[] b, int m, int n, int k, bool aTransposed)
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
