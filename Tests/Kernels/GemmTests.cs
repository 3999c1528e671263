using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

/// <summary>The GEMM engine directly: odd shapes (partial row and column tiles), every tile order, against float64.</summary>
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
    public void StoreMatchesReferenceInEveryTileOrder(int m, int n, int k, bool aTransposed)
    {
        var numbers = new Numbers();
        var a = numbers.UniformFloat(m * k);
        var b = numbers.UniformFloat(k * n);
        var expected = Product(a, b, m, n, k, aTransposed);
        using var arrays = new DeviceArrays(Device);
        var gemm = GemmLaunchers.On(Device);
        var aDevice = arrays.Upload(a);
        var bDevice = arrays.Upload(b);
        float[]? first = null;
        var packDefault = gemm.PackA;
        try
        {
            foreach (var pack in new[] { false, true })
                foreach (var order in Enum.GetValues<GemmTileOrder>())
                {
                    gemm.PackA = pack;
                    var c = arrays.Poisoned(m * n);
                    var shape = new GemmShape(m, n, k, aTransposed ? 1 : k, aTransposed ? m : 1, n, GemmEpilogue.Store, n, 1, tileOrder: order);
                    gemm.Run(c, aDevice, bDevice, c, shape);
                    var actual = arrays.Read(c);
                    Close.Assert($"C ({order}, packed A: {pack})", actual, expected);
                    if (first is null)
                        first = actual;
                    else
                        Assert.That(actual, Is.EqualTo(first).AsCollection, $"{order}, packed A {pack}: every variant gives the same bits");
                }
        }
        finally
        {
            gemm.PackA = packDefault;
        }
    }
}
