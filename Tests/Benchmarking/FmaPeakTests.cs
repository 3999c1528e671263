using IlgpuSiamese.Measuring;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Benchmarking;

/// <summary>The peak kernel computes its chains exactly, and the measurement gives a rate on every backend.</summary>
[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class FmaPeakTests(string deviceId) : BackendFixture(deviceId)
{
    [TestCase(1, 1)]
    [TestCase(37, 29)]
    public void EveryChainOfEveryItemMatchesTheReferenceExactly(int items, int iterations)
    {
        // Small integers: every partial sum is exact in float32, so the kernel must give the reference's bits.
        var numbers = new Numbers();
        var y = Enumerable.Range(0, FmaPeak.Rows * 16).Select(_ => (double)numbers.Random.Next(-4, 5)).ToArray();
        var a = Enumerable.Range(0, FmaPeak.Chains).Select(_ => (double)numbers.Random.Next(-4, 5)).ToArray();
        using var arrays = new DeviceBuffers(Device);
        var result = arrays.Poisoned(items * FmaPeak.FloatsPerItem);

        FmaPeak.Launch(Device, result, arrays.Upload(y.Concat(a).ToArray()), new FmaPeakParams(items, iterations));

        var actual = arrays.Read(result);
        var expected = FmaChainsReference.Run(items, y, a, lanes: 16, iterations);
        var wrong = Enumerable.Range(0, expected.Length).FirstOrDefault(i => actual[i] != expected[i], -1);
        Assert.That(wrong, Is.EqualTo(-1), () => $"seed {numbers.Seed}: index {wrong}: {actual[wrong]} instead of {expected[wrong]}");
    }

    [Test]
    public void TheMeasuredPeakIsAPositiveFiniteRateAndSaysHowItWasFound()
    {
        var peak = FmaPeak.Measure(Device, secondsPerLaunch: 0.02, launches: 2);

        Assert.That(peak.GflopsPerSecond, Is.Not.Null);
        Assert.That(double.IsFinite(peak.GflopsPerSecond!.Value) && peak.GflopsPerSecond > 0, Is.True, $"{peak.GflopsPerSecond}");
        Assert.That(peak.Assumption, Does.StartWith("measured").And.Contain(DeviceId));
    }
}

public class FmaPeakFlopsTests
{
    [Test]
    public void ALaunchCountsTwoFlopsPerLanePerChainPerStep() =>
        Assert.That(FmaPeak.Flops(new FmaPeakParams(Items: 3, Iterations: 5)), Is.EqualTo(2.0 * 3 * 8 * 16 * 5));
}
