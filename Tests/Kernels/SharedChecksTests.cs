using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

// The kernel checks' comparison, not the library's IlgpuSiamese.Comparison (a result of SiameseModel.Compare).
using Comparison = IlgpuSiamese.Oracle.Checks.Comparison;

/// <summary>
/// The oracle's shared checks, exactly as <c>siamese selftest</c> runs them: every op's kernels on every
/// backend, every reference backward against finite differences; and a wrong answer is caught.
/// </summary>
[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class SharedKernelChecksTests(string deviceId) : BackendFixture(deviceId)
{
    private static IEnumerable<string> Ops() => KernelChecks.All.Select(c => c.Op);

    [TestCaseSource(nameof(Ops))]
    public void OpMatchesItsReference(string op)
    {
        var numbers = new Numbers();
        foreach (var comparison in KernelChecks.All.Single(c => c.Op == op).Run(Device, numbers.Random))
            Close.That(comparison);
    }

    [Test]
    public void AWrongReferenceIsReportedAsAFailureWithItsWorstIndex()
    {
        var numbers = new Numbers();
        var s = new GlobalAvgPoolShape(batch: 2, channels: 3, height: 4, width: 4);
        // The check of a kernel against a reference that is off by 1e-3 in one element: the sum instead of the mean there.
        var wrong = new KernelCheck("GlobalAvgPool (wrong reference)", (device, random) =>
        {
            var x = random.UniformFloat(s.InputLength);
            var reference = GlobalAvgPoolReference.Forward(x, s);
            reference[4] += 1e-3;
            using var buffers = new DeviceBuffers(device);
            var y = buffers.Poisoned(s.OutputLength);
            new GlobalAvgPool(device).Forward(y, buffers.Upload(x), s);
            return [Comparison.Of("forward", buffers.Read(y), reference)];
        });
        var rows = SelfTest.RunKernels(Device, DeviceId, [wrong, KernelChecks.All.Single(c => c.Op == "GlobalAvgPool")], numbers.Random).ToList();
        Assert.That(rows[0].Passed, Is.False);
        Assert.That(rows[0].MaxError, Is.EqualTo(1e-3).Within(1e-5));
        Assert.That(rows[0].Detail, Does.Contain("1 of 6 values").And.Contain("worst at index 4"));
        Assert.That(rows[1].Passed, Is.True, rows[1].Detail);
    }

    [Test]
    public void AKernelThatLeavesItsOutputUnwrittenFails()
    {
        var numbers = new Numbers();
        var forgetful = new KernelCheck("nothing written", (device, random) =>
        {
            using var buffers = new DeviceBuffers(device);
            return [Comparison.Of("output", buffers.Read(buffers.Poisoned(5)), random.Uniform(5))];
        });
        var row = SelfTest.RunKernels(Device, DeviceId, [forgetful], numbers.Random).Single();
        Assert.That(row.Passed, Is.False);
        Assert.That(row.Detail, Does.Contain("5 of 5 values").And.Contain("NaN"));
    }
}

public class SharedGradientChecksTests
{
    private static IEnumerable<string> Ops() => GradientChecks.All.Select(c => c.Op);

    [TestCaseSource(nameof(Ops))]
    public void ReferenceBackwardMatchesFiniteDifferences(string op)
    {
        var numbers = new Numbers();
        foreach (var probe in GradientChecks.All.Single(c => c.Op == op).Run(numbers.Random))
            Close.That(probe);
    }

    [Test]
    public void AWrongGradientIsReportedAsAFailure()
    {
        var numbers = new Numbers();
        var s = new DenseShape(batch: 3, inputs: 4, outputs: 5, relu: false);
        var wrong = new GradientCheckCase("Dense (gradient doubled)", random =>
        {
            var x = random.Uniform(s.InputLength);
            var w = random.Uniform(s.WeightLength);
            var b = random.Uniform(s.Outputs);
            var dy = random.Uniform(s.OutputLength);
            var (_, dw, _) = DenseReference.Backward(dy, DenseReference.Forward(x, w, b, s), x, w, s);
            return [FiniteDifferences.Probe("dWeight", w, dw.Select(g => 2 * g).ToArray(),
                () => FiniteDifferences.Dot(dy, DenseReference.Forward(x, w, b, s)), random)];
        });
        var row = SelfTest.RunGradients([wrong], numbers.Random).Single();
        Assert.That(row.Passed, Is.False);
        Assert.That(row.MaxError, Is.EqualTo(0.5).Within(1e-6), "|2n - n| / |2n|");
        Assert.That(row.Detail, Does.Contain("dWeight").And.Contain("finite difference"));
    }

    [Test]
    public void ASmoothPointWithASmallGradientIsNoKink()
    {
        // L = p² at p = 1e-4: the one-sided quotients (L(p ± h) - L(p)) / ±h differ by 2h, a tenth of the tiny slope, yet L is smooth.
        double[] p = [1e-4];
        var probe = FiniteDifferences.Probe("p", p, [2e-4], () => p[0] * p[0], new Random(1));
        Assert.That(probe.Passed, Is.True, probe.Message);
        Assert.That(probe.AtKinks, Is.Zero);
    }

    /// <summary>
    /// L = Σ p_i² with p₀ = 1e-4, a smooth point with a small gradient, p₀'s gradient planted wrong and the other seven
    /// right: the one wrong probe of eight (under a quarter) fails rather than passing as a kink. 0 and 4e-4 lie outside
    /// the one-sided quotients at h, [1.9e-4, 2.1e-4]; 2.05e-4 lies inside them.
    /// </summary>
    [TestCase(0.0)]
    [TestCase(4e-4)]
    [TestCase(2.05e-4)]
    public void AWrongSmallGradientAtASmoothPointFails(double planted)
    {
        double[] p = [1e-4, 0.3, -0.7, 0.5, 0.9, -0.2, 0.6, -0.4];
        var gradient = p.Select(v => 2 * v).ToArray();
        gradient[0] = planted;
        var probe = FiniteDifferences.Probe("p", p, gradient, () => p.Sum(v => v * v), new Random(1), probes: 64);
        Assert.That(probe.Probes, Is.EqualTo(p.Length), "every element probed");
        Assert.That(probe.Passed, Is.False, probe.Message);
        Assert.That((probe.Failures, probe.AtKinks, probe.WorstIndex), Is.EqualTo((1, 0, 0)), probe.Message);
    }

    /// <summary>y = relu(0.5·0.5 + b) at b = -0.25 + offset, probed in b: the ReLU's kink within h of the probe.</summary>
    private static (double[] Bias, double Analytic, Func<double> Loss) ReluNearZero(double offset)
    {
        var s = new DenseShape(batch: 1, inputs: 1, outputs: 1, relu: true);
        double[] x = [0.5], w = [0.5], b = [-0.25 + offset], dy = [0.8];
        var (_, _, db) = DenseReference.Backward(dy, DenseReference.Forward(x, w, b, s), x, w, s);
        return (b, db[0], () => FiniteDifferences.Dot(dy, DenseReference.Forward(x, w, b, s)));
    }

    [TestCase(0.0)]
    [TestCase(3e-6)]
    [TestCase(-7e-6)]
    public void AReluWithinHOfZeroIsAKink(double offset)
    {
        var (b, analytic, loss) = ReluNearZero(offset);
        var probe = FiniteDifferences.Probe("dBias", b, [analytic], loss, new Random(1));
        Assert.That((probe.AtKinks, probe.Failures), Is.EqualTo((1, 0)), probe.Message);
    }

    /// <summary>At a ReLU's kink the slopes are 0 and 0.8: a gradient outside them is wrong there too.</summary>
    [TestCase(-0.8)]
    [TestCase(1.6)]
    public void AWrongGradientAtAKinkFails(double planted)
    {
        var (b, _, loss) = ReluNearZero(0);
        var probe = FiniteDifferences.Probe("dBias", b, [planted], loss, new Random(1));
        Assert.That((probe.AtKinks, probe.Failures), Is.EqualTo((0, 1)), probe.Message);
    }

    [Test]
    public void AMaxPoolTieIsAKink()
    {
        var s = new MaxPool2dShape(batch: 1, channels: 1, height: 2, width: 2);
        double[] p = [0.3], dy = [0.8];
        double[] Window() => [p[0], 0.3, 0.1, 0.2];
        var analytic = MaxPool2dReference.Backward(dy, MaxPool2dReference.Forward(Window(), s).Argmax, s)[0];
        var probe = FiniteDifferences.Probe("dInput", p, [analytic], () => FiniteDifferences.Dot(dy, MaxPool2dReference.Forward(Window(), s).Output),
            new Random(1));
        Assert.That((probe.AtKinks, probe.Failures), Is.EqualTo((1, 0)), probe.Message);
    }

    [Test]
    public void TheDistanceFloorIsAKink()
    {
        // One feature: d = sqrt(max(a², floor)), flat for |a| under sqrt(floor) and |a| above; a probed at sqrt(floor).
        var s = new EuclideanDistanceShape(batch: 1, features: 1);
        double[] a = [Math.Sqrt(EuclideanDistanceReference.SquaredDistanceFloor)], b = [0], dd = [0.8];
        var (da, _) = EuclideanDistanceReference.Backward(dd, a, b, s);
        var probe = FiniteDifferences.Probe("dA", a, da, () => FiniteDifferences.Dot(dd, EuclideanDistanceReference.Forward(a, b, s)), new Random(1));
        Assert.That((probe.AtKinks, probe.Failures), Is.EqualTo((1, 0)), probe.Message);
    }

    [Test]
    public void AProbeAtARealKinkIsSkippedButNotTooMany()
    {
        // |p| probed at 0 only: the one probe sits on the kink, more than a quarter of the probes.
        double[] p = [0];
        var probe = FiniteDifferences.Probe("p", p, [1.0], () => Math.Abs(p[0]), new Random(1));
        Assert.That(probe.AtKinks, Is.EqualTo(1));
        Assert.That(probe.Passed, Is.False, "every probe at a kink checks nothing");
    }

    [Test]
    public void ACheckThatThrowsFailsWithItsMessage()
    {
        var row = SelfTest.RunGradients([new GradientCheckCase("throws", _ => throw new InvalidOperationException("boom"))], new Random(1)).Single();
        Assert.That(row.Passed, Is.False);
        Assert.That(row.Detail, Does.Contain("boom"));
    }
}
