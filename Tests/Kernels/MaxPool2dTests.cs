using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

public class MaxPool2dReferenceGradientTests
{
    [TestCase(6, 4)]
    [TestCase(7, 5)]
    [TestCase(5, 8)]
    public void BackwardMatchesFiniteDifferences(int height, int width)
    {
        var numbers = new Numbers();
        var s = new MaxPool2dShape(batch: 2, channels: 3, height, width);
        var x = numbers.Uniform(s.InputLength);
        var dy = numbers.Uniform(s.OutputLength);
        var (_, argmax) = MaxPool2dReference.Forward(x, s);
        var dx = MaxPool2dReference.Backward(dy, argmax, s);
        double Loss() => GradientCheck.Dot(dy, MaxPool2dReference.Forward(x, s).Output);
        GradientCheck.Probe("dInput", x, dx, Loss, numbers.Random, probes: 48);
    }

    [Test]
    public void TiesGoToTheFirstElementInRowMajorOrder()
    {
        var s = new MaxPool2dShape(1, 1, height: 2, width: 6);
        // Windows (row 0 pair, row 1 pair): (1,1 | 1,1), (0,2 | 2,2), (3,0 | 0,3).
        double[] x = [1, 1, 0, 2, 3, 0, 1, 1, 2, 2, 0, 3];
        var (y, argmax) = MaxPool2dReference.Forward(x, s);
        Assert.That(y, Is.EqualTo(new double[] { 1, 2, 3 }).AsCollection);
        Assert.That(argmax, Is.EqualTo(new[] { 0, 3, 4 }).AsCollection);
    }
}

[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class MaxPool2dKernelTests(string deviceId) : BackendFixture(deviceId)
{
    [TestCase(8, 6)]
    [TestCase(7, 5)]
    [TestCase(28, 28)]
    public void KernelsMatchReference(int height, int width)
    {
        // The shared check (siamese selftest runs it too): forward, argmax (exactly) and the assigned dInput.
        var numbers = new Numbers();
        foreach (var comparison in KernelChecks.MaxPool2d(Device, numbers.Random, new MaxPool2dShape(batch: 3, channels: 4, height, width)))
            Close.That(comparison);
    }

    [Test]
    public void TiesGoToTheFirstElementLikeTheReference()
    {
        var numbers = new Numbers();
        var s = new MaxPool2dShape(batch: 2, channels: 3, height: 9, width: 8);
        // Three levels only, so most windows hold a tie.
        var x = Enumerable.Range(0, s.InputLength).Select(_ => (double)numbers.Random.Next(3)).ToArray();
        var (y, argmax) = MaxPool2dReference.Forward(x, s);

        using var arrays = new DeviceBuffers(Device);
        var yDevice = arrays.Poisoned(s.OutputLength);
        var argmaxDevice = arrays.PoisonedInt(s.OutputLength);
        new MaxPool2d(Device).Forward(yDevice, argmaxDevice, arrays.Upload(x), s);
        Close.Assert("forward", arrays.Read(yDevice), y);
        Assert.That(arrays.Read(argmaxDevice), Is.EqualTo(argmax).AsCollection, "argmax");
    }

    [Test]
    public void TwoLaunchesGiveIdenticalBits()
    {
        var numbers = new Numbers();
        var s = new MaxPool2dShape(batch: 8, channels: 16, height: 15, width: 14);
        using var arrays = new DeviceBuffers(Device);
        var launch = new MaxPool2d(Device);
        var x = arrays.Upload(numbers.UniformFloat(s.InputLength));
        var dy = arrays.Upload(numbers.UniformFloat(s.OutputLength));
        (float[], int[]) Run()
        {
            var y = arrays.Poisoned(s.OutputLength);
            var argmax = arrays.PoisonedInt(s.OutputLength);
            var dx = arrays.Poisoned(s.InputLength);
            launch.Forward(y, argmax, x, s);
            launch.Backward(dx, dy, argmax, s);
            return ([.. arrays.Read(y), .. arrays.Read(dx)], arrays.Read(argmax));
        }
        var (values1, argmax1) = Run();
        var (values2, argmax2) = Run();
        Assert.That(values2, Is.EqualTo(values1).AsCollection);
        Assert.That(argmax2, Is.EqualTo(argmax1).AsCollection);
    }
}
