using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

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
        // L = p² at p = 1e-4: the one-sided quotients differ by 2h, far beyond 1e-3 of the tiny slope, yet L is smooth.
        double[] p = [1e-4];
        var probe = FiniteDifferences.Probe("p", p, [2e-4], () => p[0] * p[0], new Random(1));
        Assert.That(FiniteDifferences.AtKink(p[0] * p[0], Math.Pow(p[0] + 1e-5, 2), Math.Pow(p[0] - 1e-5, 2), 1e-5), Is.True, "the one-sided test alone");
        Assert.That(probe.Passed, Is.True, probe.Message);
        Assert.That(probe.AtKinks, Is.Zero);
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
