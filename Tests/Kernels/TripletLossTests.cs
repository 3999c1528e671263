using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

public class TripletLossReferenceGradientTests
{
    internal const int InactiveRow = 1;
    internal const int PositiveAtFloorRow = 2;
    internal const int NegativeAtFloorRow = 3;

    /// <summary>
    /// Random rows plus three special ones: the hinge inactive (negative far away), the positive 1e-5 from the
    /// anchor in every feature (S_ap ≈ F·1e-10, under the floor, hinge active) and the negative 1e-5 from the
    /// anchor (S_an under the floor). Near rather than equal: with a == p, (a - p)/d is 0 even without the floor test.
    /// </summary>
    internal static (double[] Anchor, double[] Positive, double[] Negative) Inputs(Numbers numbers, TripletShape s)
    {
        var anchor = numbers.UniformFloat(s.InputLength);
        var positive = numbers.UniformFloat(s.InputLength);
        var negative = numbers.UniformFloat(s.InputLength);
        for (var k = 0; k < s.Features; k++)
        {
            var i = InactiveRow * s.Features + k;
            positive[i] = anchor[i] + 0.01 * (k % 3 - 1);
            negative[i] = anchor[i] + 3;
            i = PositiveAtFloorRow * s.Features + k;
            positive[i] = (float)(anchor[i] + 1e-5);
            negative[i] = anchor[i] + 0.05;
            i = NegativeAtFloorRow * s.Features + k;
            negative[i] = (float)(anchor[i] - 1e-5);
        }
        return (anchor, positive, negative);
    }

    internal static IEnumerable<double> Row(double[] values, int row, int features) => values.Skip(row * features).Take(features);

    [Test]
    public void BackwardMatchesFiniteDifferences()
    {
        var numbers = new Numbers();
        var s = new TripletShape(batch: 6, features: 5, margin: 0.5f);
        var (a, p, q) = Inputs(numbers, s);
        var loss = TripletLossReference.Forward(a, p, q, s);
        Assert.That(loss[InactiveRow], Is.EqualTo(0.0), "the inactive row");
        Assert.That(loss[PositiveAtFloorRow], Is.GreaterThan(0.0), "the positive-at-floor row is active");
        Assert.That(loss[NegativeAtFloorRow], Is.GreaterThan(0.0), "the negative-at-floor row is active");
        var (da, dp, dq) = TripletLossReference.Backward(a, p, q, s);
        double Loss() => TripletLossReference.Forward(a, p, q, s).Average();
        GradientCheck.Probe("dAnchor", a, da, Loss, numbers.Random, probes: 60);
        GradientCheck.Probe("dPositive", p, dp, Loss, numbers.Random, probes: 60);
        GradientCheck.Probe("dNegative", q, dq, Loss, numbers.Random, probes: 60);
        Assert.That(Row(da, InactiveRow, s.Features).Concat(Row(dp, InactiveRow, s.Features)).Concat(Row(dq, InactiveRow, s.Features)),
            Is.All.EqualTo(0.0), "inactive row");
        Assert.That(Row(dp, PositiveAtFloorRow, s.Features), Is.All.EqualTo(0.0), "dPositive where d_ap is at the floor");
        Assert.That(Row(dq, NegativeAtFloorRow, s.Features), Is.All.EqualTo(0.0), "dNegative where d_an is at the floor");
    }
}

[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class TripletLossKernelTests(string deviceId) : BackendFixture(deviceId)
{
    [Test]
    public void KernelsMatchReference()
    {
        var numbers = new Numbers();
        var s = new TripletShape(batch: 11, features: 9, margin: 1f);
        var (a, p, q) = TripletLossReferenceGradientTests.Inputs(numbers, s);
        var loss = TripletLossReference.Forward(a, p, q, s);
        var (da, dp, dq) = TripletLossReference.Backward(a, p, q, s);

        using var arrays = new DeviceBuffers(Device);
        var launch = new TripletLoss(Device);
        var aDevice = arrays.Upload(a);
        var pDevice = arrays.Upload(p);
        var qDevice = arrays.Upload(q);
        var lossDevice = arrays.Poisoned(s.Batch);
        var daDevice = arrays.Poisoned(s.InputLength);
        var dpDevice = arrays.Poisoned(s.InputLength);
        var dqDevice = arrays.Poisoned(s.InputLength);
        launch.Forward(lossDevice, aDevice, pDevice, qDevice, s);
        launch.Backward(daDevice, dpDevice, dqDevice, aDevice, pDevice, qDevice, s);
        Close.Assert("loss", arrays.Read(lossDevice), loss);
        var daActual = arrays.Read(daDevice);
        var dpActual = arrays.Read(dpDevice);
        var dqActual = arrays.Read(dqDevice);
        Close.Assert("dAnchor", daActual, da);
        Close.Assert("dPositive", dpActual, dp);
        Close.Assert("dNegative", dqActual, dq);
        const int inactive = TripletLossReferenceGradientTests.InactiveRow;
        Assert.That(daActual.Skip(inactive * s.Features).Take(s.Features), Is.All.EqualTo(0f), "dAnchor on the inactive row");
        Assert.That(dpActual.Skip(TripletLossReferenceGradientTests.PositiveAtFloorRow * s.Features).Take(s.Features),
            Is.All.EqualTo(0f), "dPositive where d_ap is at the floor");
        Assert.That(dqActual.Skip(TripletLossReferenceGradientTests.NegativeAtFloorRow * s.Features).Take(s.Features),
            Is.All.EqualTo(0f), "dNegative where d_an is at the floor");
    }

    [Test]
    public void TwoLaunchesGiveIdenticalBits()
    {
        var numbers = new Numbers();
        var s = new TripletShape(batch: 64, features: 48, margin: 1f);
        using var arrays = new DeviceBuffers(Device);
        var launch = new TripletLoss(Device);
        var a = arrays.Upload(numbers.UniformFloat(s.InputLength));
        var p = arrays.Upload(numbers.UniformFloat(s.InputLength));
        var q = arrays.Upload(numbers.UniformFloat(s.InputLength));
        float[] Run()
        {
            var loss = arrays.Poisoned(s.Batch);
            var da = arrays.Poisoned(s.InputLength);
            var dp = arrays.Poisoned(s.InputLength);
            var dq = arrays.Poisoned(s.InputLength);
            launch.Forward(loss, a, p, q, s);
            launch.Backward(da, dp, dq, a, p, q, s);
            return arrays.Read(loss).Concat(arrays.Read(da)).Concat(arrays.Read(dp)).Concat(arrays.Read(dq)).ToArray();
        }
        Assert.That(Run(), Is.EqualTo(Run()).AsCollection);
    }
}
