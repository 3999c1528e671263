using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

public class DropoutReferenceGradientTests
{
    [TestCase(0.3f)]
    [TestCase(0f)]
    public void BackwardMatchesFiniteDifferences(float rate)
    {
        var numbers = new Numbers();
        var s = new DropoutShape(length: 200, rate, seed: (uint)numbers.Random.Next(), step: numbers.Random.Next(1000));
        var x = numbers.Uniform(s.Length);
        var dy = numbers.Uniform(s.Length);
        var dx = DropoutReference.Backward(dy, s);
        double Loss() => GradientCheck.Dot(dy, DropoutReference.Forward(x, s));
        GradientCheck.Probe("dInput", x, dx, Loss, numbers.Random, probes: 48);
    }

    // Random123's known-answer vectors (kat_vectors): philox2x32 10 ctr0 ctr1 key -> out0 out1.
    [TestCase(0x00000000u, 0x00000000u, 0x00000000u, 0xff1dae59u, 0x6cd10df2u)]
    [TestCase(0xffffffffu, 0xffffffffu, 0xffffffffu, 0x2c3f628bu, 0xab4fd7adu)]
    [TestCase(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0xdd7ce038u, 0xf62a4c12u)]
    public void MaskHashIsPhilox2x32With10Rounds(uint counter0, uint counter1, uint key, uint out0, uint out1)
    {
        var result = DropoutMask.Philox2x32(counter0, counter1, key);
        Assert.That(((uint)result, (uint)(result >> 32)), Is.EqualTo((out0, out1)));
    }
}

[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class DropoutKernelTests(string deviceId) : BackendFixture(deviceId)
{
    private const int Large = 100_003;

    [TestCase(0.3f)]
    [TestCase(0.5f)]
    public void KernelsMatchReference(float rate)
    {
        // The shared check (siamese selftest runs it too): forward and the assigned dInput.
        var numbers = new Numbers();
        var s = new DropoutShape(length: 1001, rate, seed: (uint)numbers.Random.Next(), step: numbers.Random.Next(100_000));
        foreach (var comparison in KernelChecks.Dropout(Device, numbers.Random, s))
            Close.That(comparison);
    }

    [Test]
    public void ForwardAndBackwardDropTheSameElementsAsTheHostMask()
    {
        var numbers = new Numbers();
        var s = new DropoutShape(Large, rate: 0.3f, seed: (uint)numbers.Random.Next(), step: 7);
        var (y, dx) = Run(s, numbers);
        for (var i = 0; i < s.Length; i++)
        {
            var keep = DropoutMask.Keep(s.Seed, s.Step, i, s.Rate);
            if ((y[i] != 0) != keep || (dx[i] != 0) != keep)
                Assert.Fail($"element {i}: host mask {keep}, forward {y[i]}, backward {dx[i]}");
        }
    }

    [TestCase(0.1f)]
    [TestCase(0.3f)]
    [TestCase(0.5f)]
    public void KeptFractionIsOneMinusRate(float rate)
    {
        var numbers = new Numbers();
        var s = new DropoutShape(Large, rate, seed: (uint)numbers.Random.Next(), step: numbers.Random.Next());
        var kept = Mask(s).Count(k => k);
        var p = 1.0 - rate;
        var sigma = Math.Sqrt(p * (1 - p) / s.Length);
        Assert.That((double)kept / s.Length, Is.EqualTo(p).Within(5 * sigma), $"kept {kept} of {s.Length}");
    }

    [Test]
    public void AnotherStepOrSeedGivesAnIndependentMask()
    {
        var numbers = new Numbers();
        var seed = (uint)numbers.Random.Next();
        var step = numbers.Random.Next(1_000_000);
        var s = new DropoutShape(Large, rate: 0.3f, seed, step);
        var reference = Mask(s);
        var p = 1.0 - s.Rate;
        // Two independent masks disagree on an element with probability 2p(1-p).
        var q = 2 * p * (1 - p);
        var sigma = Math.Sqrt(q * (1 - q) / s.Length);
        foreach (var (what, other) in new[]
                 {
                     ("next step", new DropoutShape(Large, s.Rate, seed, step + 1)),
                     ("next seed", new DropoutShape(Large, s.Rate, seed + 1, step)),
                 })
        {
            var disagree = reference.Zip(Mask(other), (a, b) => a != b).Count(d => d);
            Assert.That((double)disagree / s.Length, Is.EqualTo(q).Within(5 * sigma), $"{what}: {disagree} of {s.Length} differ");
        }
    }

    [Test]
    public void RateZeroIsTheIdentity()
    {
        var numbers = new Numbers();
        var s = new DropoutShape(1001, rate: 0f, seed: 1, step: 2);
        var x = Numbers.ToFloat(numbers.UniformFloat(s.Length));
        var dy = Numbers.ToFloat(numbers.UniformFloat(s.Length));
        using var arrays = new DeviceBuffers(Device);
        var launch = new Dropout(Device);
        var y = arrays.Poisoned(s.Length);
        var dx = arrays.Poisoned(s.Length);
        launch.Forward(y, arrays.Upload(x), s);
        launch.Backward(dx, arrays.Upload(dy), s);
        Assert.That(arrays.Read(y), Is.EqualTo(x).AsCollection);
        Assert.That(arrays.Read(dx), Is.EqualTo(dy).AsCollection);
    }

    [Test]
    public void TwoLaunchesGiveIdenticalBits()
    {
        var numbers = new Numbers();
        var s = new DropoutShape(20_011, rate: 0.3f, seed: (uint)numbers.Random.Next(), step: 3);
        using var arrays = new DeviceBuffers(Device);
        var launch = new Dropout(Device);
        var x = arrays.Upload(numbers.UniformFloat(s.Length));
        var dy = arrays.Upload(numbers.UniformFloat(s.Length));
        float[] Launch()
        {
            var y = arrays.Poisoned(s.Length);
            var dx = arrays.Poisoned(s.Length);
            launch.Forward(y, x, s);
            launch.Backward(dx, dy, s);
            return [.. arrays.Read(y), .. arrays.Read(dx)];
        }
        Assert.That(Launch(), Is.EqualTo(Launch()).AsCollection);
    }

    /// <summary>Forward and backward of random non-zero values, read back.</summary>
    private (float[] Output, float[] DInput) Run(DropoutShape s, Numbers numbers)
    {
        using var arrays = new DeviceBuffers(Device);
        var launch = new Dropout(Device);
        var y = arrays.Poisoned(s.Length);
        var dx = arrays.Poisoned(s.Length);
        launch.Forward(y, arrays.Upload(numbers.UniformFloat(s.Length, 0.5, 1.5)), s);
        launch.Backward(dx, arrays.Upload(numbers.UniformFloat(s.Length, -1.5, -0.5)), s);
        return (arrays.Read(y), arrays.Read(dx));
    }

    /// <summary>The kernel's mask: which elements of an all-ones input survive the forward.</summary>
    private bool[] Mask(DropoutShape s)
    {
        using var arrays = new DeviceBuffers(Device);
        var y = arrays.Poisoned(s.Length);
        new Dropout(Device).Forward(y, arrays.Upload(Enumerable.Repeat(1f, s.Length).ToArray()), s);
        return arrays.Read(y).Select(v => v != 0).ToArray();
    }
}
