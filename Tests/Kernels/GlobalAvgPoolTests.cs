using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

public class GlobalAvgPoolReferenceGradientTests
{
    [TestCase(3, 3)]
    [TestCase(4, 7)]
    public void BackwardMatchesFiniteDifferences(int height, int width)
    {
        var numbers = new Numbers();
        foreach (var probe in GradientChecks.GlobalAvgPool(numbers.Random, new GlobalAvgPoolShape(batch: 2, channels: 3, height, width)))
            Close.That(probe);
    }
}

[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class GlobalAvgPoolKernelTests(string deviceId) : BackendFixture(deviceId)
{
    [TestCase(7, 7)]
    [TestCase(3, 5)]
    [TestCase(1, 1)]
    public void KernelsMatchReference(int height, int width)
    {
        var numbers = new Numbers();
        foreach (var comparison in KernelChecks.GlobalAvgPool(Device, numbers.Random, new GlobalAvgPoolShape(batch: 3, channels: 10, height, width)))
            Close.That(comparison);
    }

    [Test]
    public void TwoLaunchesGiveIdenticalBits()
    {
        var numbers = new Numbers();
        var s = new GlobalAvgPoolShape(batch: 16, channels: 64, height: 7, width: 7);
        using var arrays = new DeviceBuffers(Device);
        var launch = new GlobalAvgPool(Device);
        var x = arrays.Upload(numbers.UniformFloat(s.InputLength));
        var dy = arrays.Upload(numbers.UniformFloat(s.OutputLength));
        float[] Run()
        {
            var y = arrays.Poisoned(s.OutputLength);
            var dx = arrays.Poisoned(s.InputLength);
            launch.Forward(y, x, s);
            launch.Backward(dx, dy, s);
            return [.. arrays.Read(y), .. arrays.Read(dx)];
        }
        Assert.That(Run(), Is.EqualTo(Run()).AsCollection);
    }
}
