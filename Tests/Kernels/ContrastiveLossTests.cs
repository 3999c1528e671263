using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

public class ContrastiveLossReferenceGradientTests
{
    /// <summary>Distances on both sides of the margin for both labels, none within 0.05 of the kink at d = m.</summary>
    internal static (double[] Distance, double[] Label) Inputs(Numbers numbers, int batch, double margin)
    {
        var d = numbers.UniformFloat(batch, 0.05, 2 * margin);
        for (var n = 0; n < batch; n++)
            if (Math.Abs(d[n] - margin) < 0.05)
                d[n] = margin + 0.25;
        (d[0], d[1], d[2], d[3]) = (0.5 * margin, 1.5 * margin, 0.5 * margin, 1.5 * margin);
        var y = numbers.Labels(batch);
        (y[0], y[1], y[2], y[3]) = (0, 0, 1, 1);
        return (d, y);
    }

    [Test]
    public void BackwardMatchesFiniteDifferences()
    {
        var numbers = new Numbers();
        var s = new ContrastiveShape(batch: 8, margin: 1.25f);
        var (d, y) = Inputs(numbers, s.Batch, s.Margin);
        var dd = ContrastiveLossReference.Backward(d, y, s);
        double Loss() => ContrastiveLossReference.Forward(d, y, s).Average();
        GradientCheck.Probe("dDistance", d, dd, Loss, numbers.Random);
        Assert.That(dd[1], Is.EqualTo(0.0), "a different pair beyond the margin");
    }

    [Test]
    public void ChainedThroughTheDistanceMatchesFiniteDifferences()
    {
        var numbers = new Numbers();
        var es = new EuclideanDistanceShape(batch: 6, features: 4);
        var s = new ContrastiveShape(es.Batch, margin: 1f);
        var a = numbers.Uniform(es.InputLength);
        var b = numbers.Uniform(es.InputLength);
        Array.Copy(a, 0, b, 0, es.Features); // row 0 at the floor
        var y = numbers.Labels(s.Batch);
        (y[0], y[1]) = (1, 0);
        var d = EuclideanDistanceReference.Forward(a, b, es);
        var (da, db) = EuclideanDistanceReference.Backward(ContrastiveLossReference.Backward(d, y, s), a, b, es);
        double Loss() => ContrastiveLossReference.Forward(EuclideanDistanceReference.Forward(a, b, es), y, s).Average();
        GradientCheck.Probe("dA", a, da, Loss, numbers.Random);
        GradientCheck.Probe("dB", b, db, Loss, numbers.Random);
    }
}

[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class ContrastiveLossKernelTests(string deviceId) : BackendFixture(deviceId)
{
    [Test]
    public void KernelsMatchReference()
    {
        var numbers = new Numbers();
        var s = new ContrastiveShape(batch: 13, margin: 1f);
        var (d, y) = ContrastiveLossReferenceGradientTests.Inputs(numbers, s.Batch, s.Margin);
        var loss = ContrastiveLossReference.Forward(d, y, s);
        var dd = ContrastiveLossReference.Backward(d, y, s);

        using var arrays = new DeviceBuffers(Device);
        var launch = new ContrastiveLoss(Device);
        var dDevice = arrays.Upload(d);
        var yDevice = arrays.Upload(y);
        var lossDevice = arrays.Poisoned(s.Batch);
        var ddDevice = arrays.Poisoned(s.Batch);
        launch.Forward(lossDevice, dDevice, yDevice, s);
        launch.Backward(ddDevice, dDevice, yDevice, s);
        Close.Assert("loss", arrays.Read(lossDevice), loss);
        Close.Assert("dDistance", arrays.Read(ddDevice), dd);
    }

    [Test]
    public void TwoLaunchesGiveIdenticalBits()
    {
        var numbers = new Numbers();
        var s = new ContrastiveShape(batch: 64, margin: 1f);
        using var arrays = new DeviceBuffers(Device);
        var launch = new ContrastiveLoss(Device);
        var d = arrays.Upload(numbers.UniformFloat(s.Batch, 0, 2));
        var y = arrays.Upload(numbers.Labels(s.Batch));
        float[] Run()
        {
            var loss = arrays.Poisoned(s.Batch);
            var dd = arrays.Poisoned(s.Batch);
            launch.Forward(loss, d, y, s);
            launch.Backward(dd, d, y, s);
            return arrays.Read(loss).Concat(arrays.Read(dd)).ToArray();
        }
        Assert.That(Run(), Is.EqualTo(Run()).AsCollection);
    }
}
