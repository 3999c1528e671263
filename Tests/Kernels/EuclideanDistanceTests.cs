using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

public class EuclideanDistanceReferenceGradientTests
{
    [Test]
    public void BackwardMatchesFiniteDifferences()
    {
        var numbers = new Numbers();
        var s = new EuclideanDistanceShape(batch: 5, features: 7);
        var a = numbers.Uniform(s.InputLength);
        var b = numbers.Uniform(s.InputLength);
        Array.Copy(a, 2 * s.Features, b, 2 * s.Features, s.Features); // row 2: a == b, the floor holds
        var dd = numbers.Uniform(s.Batch);
        var (da, db) = EuclideanDistanceReference.Backward(dd, a, b, s);
        double Loss() => GradientCheck.Dot(dd, EuclideanDistanceReference.Forward(a, b, s));
        GradientCheck.Probe("dA", a, da, Loss, numbers.Random);
        GradientCheck.Probe("dB", b, db, Loss, numbers.Random);
        Assert.That(da.Skip(2 * s.Features).Take(s.Features), Is.All.EqualTo(0.0), "dA on the clamped row");
        Assert.That(db.Skip(2 * s.Features).Take(s.Features), Is.All.EqualTo(0.0), "dB on the clamped row");
    }

    [Test]
    public void GradientIsExactlyZeroWhereTheFloorHolds()
    {
        var numbers = new Numbers();
        var s = new EuclideanDistanceShape(batch: 2, features: 6);
        var a = numbers.Uniform(s.InputLength);
        var b = (double[])a.Clone();
        for (var k = 0; k < s.Features; k++)
            b[s.Features + k] += 1e-5; // row 1: Σ = 6e-10, under the floor too
        var dd = numbers.Uniform(s.Batch);
        var d = EuclideanDistanceReference.Forward(a, b, s);
        Assert.That(d, Is.All.EqualTo(Math.Sqrt(EuclideanDistanceKernels.SquaredDistanceFloor)));
        var (da, db) = EuclideanDistanceReference.Backward(dd, a, b, s);
        Assert.That(da.Concat(db), Is.All.EqualTo(0.0));
        double Loss() => GradientCheck.Dot(dd, EuclideanDistanceReference.Forward(a, b, s));
        GradientCheck.Probe("dA", a, da, Loss, numbers.Random);
        GradientCheck.Probe("dB", b, db, Loss, numbers.Random);
    }
}

[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class EuclideanDistanceKernelTests(string deviceId) : BackendFixture(deviceId)
{
    [Test]
    public void KernelsMatchReference()
    {
        var numbers = new Numbers();
        var s = new EuclideanDistanceShape(batch: 9, features: 13);
        const int clampedRow = 3, nearRow = 5;
        var a = numbers.UniformFloat(s.InputLength);
        var b = numbers.UniformFloat(s.InputLength);
        Array.Copy(a, clampedRow * s.Features, b, clampedRow * s.Features, s.Features);
        for (var k = 0; k < s.Features; k++)
            b[nearRow * s.Features + k] = (float)(a[nearRow * s.Features + k] + 1e-5); // Σ ≈ 1.3e-9: a - b ≠ 0, yet under the floor
        var dd = numbers.UniformFloat(s.Batch);
        var d = EuclideanDistanceReference.Forward(a, b, s);
        var (da, db) = EuclideanDistanceReference.Backward(dd, a, b, s);

        using var arrays = new DeviceBuffers(Device);
        var launch = new EuclideanDistance(Device);
        var aDevice = arrays.Upload(a);
        var bDevice = arrays.Upload(b);
        var dDevice = arrays.Poisoned(s.Batch);
        var daDevice = arrays.Poisoned(s.InputLength);
        var dbDevice = arrays.Poisoned(s.InputLength);
        launch.Forward(dDevice, aDevice, bDevice, s);
        Close.Assert("distance", arrays.Read(dDevice), d);

        // The backward reads the float32 distance the forward kept, as in training.
        launch.Backward(daDevice, dbDevice, arrays.Upload(dd), dDevice, aDevice, bDevice, s);
        var daActual = arrays.Read(daDevice);
        var dbActual = arrays.Read(dbDevice);
        Close.Assert("dA", daActual, da);
        Close.Assert("dB", dbActual, db);
        foreach (var row in new[] { clampedRow, nearRow })
        {
            Assert.That(daActual.Skip(row * s.Features).Take(s.Features), Is.All.EqualTo(0f), $"dA on clamped row {row}");
            Assert.That(dbActual.Skip(row * s.Features).Take(s.Features), Is.All.EqualTo(0f), $"dB on clamped row {row}");
        }
    }

    [Test]
    public void TwoLaunchesGiveIdenticalBits()
    {
        var numbers = new Numbers();
        var s = new EuclideanDistanceShape(batch: 64, features: 48);
        using var arrays = new DeviceBuffers(Device);
        var launch = new EuclideanDistance(Device);
        var a = arrays.Upload(numbers.UniformFloat(s.InputLength));
        var b = arrays.Upload(numbers.UniformFloat(s.InputLength));
        var dd = arrays.Upload(numbers.UniformFloat(s.Batch));
        float[] Run()
        {
            var d = arrays.Poisoned(s.Batch);
            var da = arrays.Poisoned(s.InputLength);
            var db = arrays.Poisoned(s.InputLength);
            launch.Forward(d, a, b, s);
            launch.Backward(da, db, dd, d, a, b, s);
            return arrays.Read(d).Concat(arrays.Read(da)).Concat(arrays.Read(db)).ToArray();
        }
        Assert.That(Run(), Is.EqualTo(Run()).AsCollection);
    }
}
