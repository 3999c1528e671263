using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

/// <summary>
/// The GPUs' GEMM (shared-memory blocks, <see cref="GemmKernels.GemmSharedTiles"/>) run directly on every backend, with
/// every group side the device allows: the float64 product from one element up, and the same bits as the register tiles
/// for every epilogue and odd shapes.
/// </summary>
[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class GemmSharedTilesTests(string deviceId) : BackendFixture(deviceId)
{
    private int[] Sides => [.. new[] { 1, 2, 4, 8, SharedTileShape.MaxSide }.Where(side => side * side <= Device.Accelerator.MaxNumThreadsPerGroup)];

    // Fewer groups than blocks where there are many: the groups walk the blocks with a grid stride.
    private float[] Shared(DeviceBuffers arrays, float[] cBefore, float[] a, float[] b, float[] bias, GemmShape s, int side)
    {
        var c = arrays.Upload(cBefore);
        var tiles = new SharedTileShape(side, s);
        Device.Run(GemmKernels.GemmSharedTiles, new KernelConfig(Math.Clamp(tiles.Blocks / 2, 1, 64), tiles.Threads),
            c, arrays.Upload(a), arrays.Upload(b), arrays.Upload(bias), s, tiles);
        return arrays.Read(c);
    }

    // A (M×K) or its transpose, B (K×N), C (M×N) row-major; the bias per row, ReLU; the NCHW epilogue over images of 25 positions.
    private static GemmShape WithEpilogue(int m, int n, int k, bool aTransposed, GemmEpilogue epilogue)
    {
        var s = aTransposed ? GemmShape.Product(m, n, k).TransposedA() : GemmShape.Product(m, n, k);
        return epilogue switch
        {
            GemmEpilogue.Store => s,
            GemmEpilogue.Accumulate => s.Accumulating(),
            GemmEpilogue.BiasActivation => s.WithBiasPerRow(relu: true),
            _ => s.IntoNchw(area: 25, relu: true),
        };
    }

    private float[] RegisterTiles(DeviceBuffers arrays, float[] cBefore, float[] a, float[] b, float[] bias, GemmShape s)
    {
        var c = arrays.Upload(cBefore);
        Device.Run(GemmKernels.GemmTiled, Device.LaunchTiles(s.Tiles), c, arrays.Upload(a), arrays.Upload(b), arrays.Upload(bias), s);
        return arrays.Read(c);
    }

    /// <summary>
    /// Shapes down to one element and single rows and columns, smaller than one block of every side, up to several
    /// blocks with K over a slice; C poisoned with NaN first, so an element no group writes fails.
    /// </summary>
    [TestCase(1, 1, 1, false, GemmEpilogue.Store)]
    [TestCase(3, 5, 2, false, GemmEpilogue.Store)]
    [TestCase(3, 5, 2, true, GemmEpilogue.BiasActivation)]
    [TestCase(1, 9, 20, false, GemmEpilogue.Store)]
    [TestCase(7, 1, 17, true, GemmEpilogue.Store)]
    [TestCase(1, 1, 33, true, GemmEpilogue.BiasActivation)]
    [TestCase(13, 100, 29, true, GemmEpilogue.Store)]
    [TestCase(70, 67, 40, false, GemmEpilogue.BiasActivation)]
    public void SharedTilesMatchTheFloat64Product(int m, int n, int k, bool aTransposed, GemmEpilogue epilogue)
    {
        var numbers = new Numbers();
        var (a, b, bias) = (numbers.UniformFloat(m * k), numbers.UniformFloat(k * n), numbers.UniformFloat(m));
        var s = WithEpilogue(m, n, k, aTransposed, epilogue);
        var product = GemmKernelTests.Product(a, b, m, n, k, aTransposed);
        var expected = epilogue == GemmEpilogue.Store ? product : product.Select((v, i) => Math.Max(v + bias[i / n], 0)).ToArray();
        using var arrays = new DeviceBuffers(Device);
        var poisoned = Enumerable.Repeat(float.NaN, m * n).ToArray();
        foreach (var side in Sides)
            Close.Assert($"C, side {side}", Shared(arrays, poisoned, Numbers.ToFloat(a), Numbers.ToFloat(b), Numbers.ToFloat(bias), s, side), expected);
    }

    [TestCase(8, 16, 1, false, GemmEpilogue.Store)]
    [TestCase(13, 100, 29, true, GemmEpilogue.Store)]
    [TestCase(70, 67, 40, false, GemmEpilogue.Store)]
    [TestCase(64, 64, 16, true, GemmEpilogue.Accumulate)]
    [TestCase(9, 130, 33, true, GemmEpilogue.Accumulate)]
    [TestCase(20, 50, 30, false, GemmEpilogue.BiasActivation)]
    [TestCase(20, 50, 30, true, GemmEpilogue.BiasActivationNchw)]
    [TestCase(33, 75, 17, false, GemmEpilogue.BiasActivationNchw)]
    public void SharedTilesGiveTheBitsOfTheRegisterTiles(int m, int n, int k, bool aTransposed, GemmEpilogue epilogue)
    {
        var numbers = new Numbers();
        var (a, b, bias) = (Numbers.ToFloat(numbers.UniformFloat(m * k)), Numbers.ToFloat(numbers.UniformFloat(k * n)),
            Numbers.ToFloat(numbers.UniformFloat(m)));
        var cBefore = epilogue == GemmEpilogue.Accumulate ? Numbers.ToFloat(numbers.UniformFloat(m * n)) : Enumerable.Repeat(float.NaN, m * n).ToArray();
        var s = WithEpilogue(m, n, k, aTransposed, epilogue);
        using var arrays = new DeviceBuffers(Device);
        var expected = RegisterTiles(arrays, cBefore, a, b, bias, s);
        Assert.That(expected, Has.None.NaN);
        foreach (var side in Sides)
            Assert.That(Shared(arrays, cBefore, a, b, bias, s, side), Is.EqualTo(expected).AsCollection, $"side {side}");
    }

    [TestCase(16, 4)]
    [TestCase(256, 16)]
    [TestCase(255, 8)]
    [TestCase(2, 1)]
    [TestCase(1, 1)]
    public void TheSideIsTheLargestWhoseGroupFits(int maxGroupSize, int side) =>
        Assert.That(SharedTileShape.SideFor(maxGroupSize), Is.EqualTo(side));
}
