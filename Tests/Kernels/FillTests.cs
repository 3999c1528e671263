using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class FillKernelTests(string deviceId) : BackendFixture(deviceId)
{
    [Test]
    public void ZeroAndFillWriteEveryElement()
    {
        using var arrays = new DeviceBuffers(Device);
        var launch = new Fill(Device);
        var buffer = arrays.Poisoned(1031);
        launch.Zero(buffer);
        Assert.That(arrays.Read(buffer), Is.All.EqualTo(0f));
        launch.Constant(buffer, -2.5f);
        Assert.That(arrays.Read(buffer), Is.All.EqualTo(-2.5f));
    }

    [Test]
    public void FillWritesOnlyItsView()
    {
        using var arrays = new DeviceBuffers(Device);
        var launch = new Fill(Device);
        var buffer = arrays.Upload(Enumerable.Repeat(5f, 100).ToArray());
        launch.Zero(buffer.SubView(10, 50));
        var values = arrays.Read(buffer);
        Assert.That(values.Take(10).Concat(values.Skip(60)), Is.All.EqualTo(5f), "outside the view");
        Assert.That(values.Skip(10).Take(50), Is.All.EqualTo(0f), "inside the view");
    }
}
