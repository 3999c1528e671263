using IlgpuSiamese.Oracle.Checks;
using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class GatherImagesKernelTests(string deviceId) : BackendFixture(deviceId)
{
    [Test]
    public void GatherImagesForwardMatchesReference()
    {
        var numbers = new Numbers();
        const int count = 23, pixels = 31, batch = 17;
        var images = new byte[count * pixels];
        numbers.Random.NextBytes(images);
        var indices = Enumerable.Range(0, batch).Select(_ => numbers.Random.Next(count)).ToArray();
        var s = new GatherImagesShape(batch, pixels);
        using var arrays = new DeviceBuffers(Device);
        using var imageBuffer = Device.Accelerator.Allocate1D(images);
        var output = arrays.Poisoned(s.OutputLength);
        new GatherImages(Device).Forward(output, imageBuffer.View, arrays.UploadInt(indices), s);
        Close.Assert("batch", arrays.Read(output), GatherImagesReference.Forward(images, indices, s), atol: 0, rtol: 1e-6);
    }
}
