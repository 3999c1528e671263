using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

/// <summary>Ops that own device buffers free them when disposed, and a device disposes the ops it caches.</summary>
public sealed class OpLifetimeTests
{
    private sealed class DisposalProbe : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    [Test]
    public void TheDeviceDisposesTheOpsItCaches()
    {
        DisposalProbe probe;
        using (var device = ComputeDevice.Open("cpu:0"))
        {
            probe = device.Op(static _ => new DisposalProbe());
            Assert.That(device.Op(static _ => new DisposalProbe()), Is.SameAs(probe), "one instance per device");
            Assert.That(probe.Disposed, Is.False);
        }
        Assert.That(probe.Disposed, "disposed with the device");
    }

    [Test]
    public void ConvAndDenseFreeTheirScratchBuffersWhenDisposed()
    {
        var device = Backends.Open("cpu:0");
        var numbers = new Numbers();
        using var arrays = new DeviceBuffers(device);
        // 9 input channels take dX from the shifted runs, 2 from dcol and col2im: between them every scratch buffer the conv owns.
        var convs = new[]
        {
            new Conv2dShape(batch: 2, inChannels: 9, height: 6, width: 5, outChannels: 8, kernel: 3, relu: true),
            new Conv2dShape(batch: 2, inChannels: 2, height: 6, width: 5, outChannels: 8, kernel: 3, relu: true),
        }.Select(s => (Shape: s, X: arrays.Upload(numbers.UniformFloat(s.InputLength)), W: arrays.Upload(numbers.UniformFloat(s.WeightLength)),
            B: arrays.Upload(numbers.UniformFloat(s.OutChannels)), Col: arrays.Poisoned(s.ColumnsLength), Y: arrays.Poisoned(s.OutputLength),
            DX: arrays.Poisoned(s.InputLength), DW: arrays.Poisoned(s.WeightLength), DB: arrays.Poisoned(s.OutChannels))).ToList();
        var d = new DenseShape(batch: 3, inputs: 20, outputs: 17, relu: true);
        var (x, w, b, y) = (arrays.Upload(numbers.UniformFloat(d.InputLength)), arrays.Upload(numbers.UniformFloat(d.WeightLength)),
            arrays.Upload(numbers.UniformFloat(d.Outputs)), arrays.Poisoned(d.OutputLength));
        var (dx, dw, db) = (arrays.Poisoned(d.InputLength), arrays.Poisoned(d.WeightLength), arrays.Poisoned(d.Outputs));
        var buffersOnly = device.BytesInUse;

        var conv = new Conv2d(device);
        foreach (var c in convs)
        {
            var plan = conv.Plan(c.Shape);
            conv.Forward(c.Y, c.X, c.W, c.B, c.Col, plan);
            conv.Infer(c.Y, c.X, c.W, c.B, c.Col, plan);
            conv.Backward(c.DX, c.DW, c.DB, ConvOutputGradient.Of(c.Y, c.Y), c.Col, c.W, plan);
        }
        var dense = new Dense(device);
        dense.Forward(y, x, w, b, d);
        dense.Backward(dx, dw, db, y, x, y, w, d);
        device.Synchronize();
        Assert.That(device.BytesInUse, Is.GreaterThan(buffersOnly), "the ops hold scratch buffers");

        conv.Dispose();
        dense.Dispose();
        Assert.That(device.BytesInUse, Is.EqualTo(buffersOnly), "disposed, the ops hold none");
    }
}
