using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

public class SigmoidBceReferenceGradientTests
{
    private static double MeanLoss(double[] distance, double[] label, double w, double b, SigmoidBceShape s) =>
        SigmoidBceReference.Forward(distance, label, w, b, s).Loss.Average();

    [Test]
    public void BackwardMatchesFiniteDifferences()
    {
        var numbers = new Numbers();
        var s = new SigmoidBceShape(batch: 6);
        var d = numbers.Uniform(s.Batch, 0, 3);
        var y = numbers.Labels(s.Batch);
        (y[0], y[1]) = (0, 1);
        var w = numbers.Uniform(1, -2, 2);
        var b = numbers.Uniform(1);
        var (p, _) = SigmoidBceReference.Forward(d, y, w[0], b[0], s);
        var (dd, dw, db) = SigmoidBceReference.Backward(p, d, y, w[0], s);
        double Loss() => MeanLoss(d, y, w[0], b[0], s);
        GradientCheck.Probe("dDistance", d, dd, Loss, numbers.Random);
        GradientCheck.Probe("dHeadWeight", w, [dw], Loss, numbers.Random);
        GradientCheck.Probe("dHeadBias", b, [db], Loss, numbers.Random);
    }

    /// <summary>The original network's whole head: embeddings → distance → Dense 1→1 → sigmoid → BCE.</summary>
    [Test]
    public void ChainedThroughTheDistanceMatchesFiniteDifferences()
    {
        var numbers = new Numbers();
        var es = new EuclideanDistanceShape(batch: 5, features: 4);
        var s = new SigmoidBceShape(es.Batch);
        var ea = numbers.Uniform(es.InputLength);
        var eb = numbers.Uniform(es.InputLength);
        Array.Copy(ea, es.Features, eb, es.Features, es.Features); // row 1 at the floor: no gradient reaches it
        var y = numbers.Labels(s.Batch);
        (y[0], y[1]) = (0, 1);
        var w = numbers.Uniform(1, -2, 2);
        var b = numbers.Uniform(1);
        var d = EuclideanDistanceReference.Forward(ea, eb, es);
        var (p, _) = SigmoidBceReference.Forward(d, y, w[0], b[0], s);
        var (dd, dw, db) = SigmoidBceReference.Backward(p, d, y, w[0], s);
        var (dea, deb) = EuclideanDistanceReference.Backward(dd, ea, eb, es);
        double Loss() => MeanLoss(EuclideanDistanceReference.Forward(ea, eb, es), y, w[0], b[0], s);
        GradientCheck.Probe("dA", ea, dea, Loss, numbers.Random);
        GradientCheck.Probe("dB", eb, deb, Loss, numbers.Random);
        GradientCheck.Probe("dHeadWeight", w, [dw], Loss, numbers.Random);
        GradientCheck.Probe("dHeadBias", b, [db], Loss, numbers.Random);
        Assert.That(dea.Skip(es.Features).Take(es.Features), Is.All.EqualTo(0.0), "dA on the clamped row");
    }

    [Test]
    public void ReferenceIsStableAtLogitsPlusMinus300()
    {
        var s = new SigmoidBceShape(batch: 4);
        var (p, loss) = SigmoidBceReference.Forward([300, 300, -300, -300], [0, 1, 1, 0], 1, 0, s);
        Assert.That(p, Is.EqualTo(new[] { 1.0, 1.0, 0.0, 0.0 }).AsCollection.Within(1e-100));
        Assert.That(loss, Is.EqualTo(new[] { 300.0, 0.0, 300.0, 0.0 }).AsCollection.Within(1e-12));
    }
}

[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class SigmoidBceKernelTests(string deviceId) : BackendFixture(deviceId)
{
    private void CheckAgainstReference(Numbers numbers, double[] d, double[] y, double w, double b)
    {
        var s = new SigmoidBceShape(d.Length);
        var dwBefore = numbers.UniformFloat(1);
        var dbBefore = numbers.UniformFloat(1);
        var (p, loss) = SigmoidBceReference.Forward(d, y, w, b, s);
        var (dd, dw, db) = SigmoidBceReference.Backward(p, d, y, w, s);

        using var arrays = new DeviceBuffers(Device);
        var launch = new SigmoidBce(Device);
        var dDevice = arrays.Upload(d);
        var yDevice = arrays.Upload(y);
        var wDevice = arrays.Upload([w]);
        var pDevice = arrays.Poisoned(s.Batch);
        var lossDevice = arrays.Poisoned(s.Batch);
        var ddDevice = arrays.Poisoned(s.Batch);
        var dwDevice = arrays.Upload(dwBefore);
        var dbDevice = arrays.Upload(dbBefore);
        launch.Forward(pDevice, lossDevice, dDevice, yDevice, wDevice, arrays.Upload([b]), s);
        var pActual = arrays.Read(pDevice);
        var lossActual = arrays.Read(lossDevice);
        Assert.That(pActual, Is.All.InRange(0f, 1f), "probability in [0, 1]");
        Assert.That(lossActual.All(float.IsFinite), "loss finite");
        Close.Assert("probability", pActual, p);
        Close.Assert("loss", lossActual, loss);

        // The backward reads the float32 probability the forward kept, as in training.
        launch.Backward(ddDevice, dwDevice, dbDevice, pDevice, dDevice, yDevice, wDevice, s);
        Close.Assert("dDistance", arrays.Read(ddDevice), dd);
        Close.Assert("dHeadWeight (accumulated)", arrays.Read(dwDevice), [dw + dwBefore[0]]);
        Close.Assert("dHeadBias (accumulated)", arrays.Read(dbDevice), [db + dbBefore[0]]);
    }

    [Test]
    public void KernelsMatchReference()
    {
        var numbers = new Numbers();
        var d = numbers.UniformFloat(13, 0, 3);
        var y = numbers.Labels(d.Length);
        (y[0], y[1]) = (0, 1);
        CheckAgainstReference(numbers, d, y, numbers.UniformFloat(1, -2, 2)[0], numbers.UniformFloat(1)[0]);
    }

    [Test]
    public void StableAtLogitsPlusMinus300()
    {
        // w = 1, b = 0: the logit is the distance. exp(88.75) overflows float32, so ±88.75 and ±300 would break
        // a naive sigmoid or log(p).
        var numbers = new Numbers();
        double[] z = [300, 300, -300, -300, 88.75, -88.75, 88.75, -88.75];
        double[] y = [0, 1, 1, 0, 0, 1, 1, 0];
        CheckAgainstReference(numbers, z, y, 1, 0);
    }

    [Test]
    public void TwoLaunchesGiveIdenticalBits()
    {
        var numbers = new Numbers();
        var s = new SigmoidBceShape(batch: 64);
        using var arrays = new DeviceBuffers(Device);
        var launch = new SigmoidBce(Device);
        var d = arrays.Upload(numbers.UniformFloat(s.Batch, 0, 3));
        var y = arrays.Upload(numbers.Labels(s.Batch));
        var w = arrays.Upload(numbers.UniformFloat(1, -2, 2));
        var b = arrays.Upload(numbers.UniformFloat(1));
        float[] Run()
        {
            var p = arrays.Poisoned(s.Batch);
            var loss = arrays.Poisoned(s.Batch);
            var dd = arrays.Poisoned(s.Batch);
            var dw = arrays.Upload(new float[1]);
            var db = arrays.Upload(new float[1]);
            launch.Forward(p, loss, d, y, w, b, s);
            launch.Backward(dd, dw, db, p, d, y, w, s);
            return arrays.Read(p).Concat(arrays.Read(loss)).Concat(arrays.Read(dd))
                .Concat(arrays.Read(dw)).Concat(arrays.Read(db)).ToArray();
        }
        Assert.That(Run(), Is.EqualTo(Run()).AsCollection);
    }
}
