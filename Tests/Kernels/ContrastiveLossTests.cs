using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

public class ContrastiveLossReferenceGradientTests
{
    internal static (double[] Distance, double[] Label) Inputs(Numbers numbers, int batch, double margin) =>
        KernelChecks.ContrastiveInputs(numbers.Random, batch, margin);

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
        // The shared check (siamese selftest runs it too): loss and the assigned dDistance.
        foreach (var comparison in KernelChecks.ContrastiveLoss(Device, new Numbers().Random, new ContrastiveShape(batch: 13, margin: 1f)))
            Close.That(comparison);
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
