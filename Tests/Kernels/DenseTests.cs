using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

public class DenseReferenceGradientTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void BackwardMatchesFiniteDifferences(bool relu)
    {
        var numbers = new Numbers();
        foreach (var probe in GradientChecks.Dense(numbers.Random, new DenseShape(batch: 5, inputs: 7, outputs: 6, relu)))
            Close.That(probe);
    }
}

[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class DenseKernelTests(string deviceId) : BackendFixture(deviceId)
{
    [Test]
    public void ForwardAndBackwardMatchReference([Values] bool relu)
    {
        // The shared check (siamese selftest runs it too).
        var numbers = new Numbers();
        foreach (var comparison in KernelChecks.Dense(Device, numbers.Random, new DenseShape(batch: 9, inputs: 37, outputs: 19, relu)))
            Close.That(comparison);
    }

    /// <summary>The layer asks for its plan at every pass: made once per shape (its products' GEMM paths), then found without allocating.</summary>
    [Test]
    public void APlanIsMadeOncePerShapeAndFoundWithoutAllocating()
    {
        var dense = Dense.On(Device);
        var s = new DenseShape(batch: 4, inputs: 64, outputs: 48, relu: false);
        var plan = dense.Plan(s);
        Assert.That(dense.Plan(s), Is.SameAs(plan));
        Assert.That(plan.Forward.Shape.M, Is.EqualTo(4));
        Assert.That(plan.ForwardName, Is.EqualTo(Device.Info.IsGpu ? "GEMM (shared-memory tiles)" : "GEMM (rows)"));
        Assert.That(dense.Plan(new DenseShape(batch: 4, inputs: 64, outputs: 48, relu: true)), Is.Not.SameAs(plan));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
            dense.Plan(s);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    /// <summary>
    /// The relu flag read from the output alone: the reference reads the shape's Relu too, so a shape that ignored
    /// the flag would match it either way (a mutant Stryker left alive, docs/mutation-testing.md).
    /// </summary>
    [Test]
    public void ReluFlagDecidesWhetherNegativeOutputsAreKept()
    {
        var numbers = new Numbers();
        using var arrays = new DeviceBuffers(Device);
        var dense = Dense.On(Device);
        var plain = new DenseShape(batch: 6, inputs: 20, outputs: 17, relu: false);
        var x = arrays.Upload(numbers.UniformFloat(plain.InputLength));
        var w = arrays.Upload(numbers.UniformFloat(plain.WeightLength));
        var b = arrays.Upload(numbers.UniformFloat(plain.Outputs));
        float[] Run(bool relu)
        {
            var s = new DenseShape(batch: 6, inputs: 20, outputs: 17, relu);
            var y = arrays.Poisoned(s.OutputLength);
            dense.Forward(y, x, w, b, s);
            return arrays.Read(y);
        }
        var linear = Run(relu: false);
        Assert.That(linear, Has.Some.LessThan(0f), "without ReLU negative sums stay");
        Assert.That(Run(relu: true), Is.EqualTo(linear.Select(v => Math.Max(0f, v)).ToArray()).AsCollection, "with ReLU max(0, ·)");
    }

    [Test]
    public void TwoLaunchesGiveIdenticalBits()
    {
        var numbers = new Numbers();
        var s = new DenseShape(batch: 16, inputs: 64, outputs: 48, relu: true);
        using var arrays = new DeviceBuffers(Device);
        var dense = Dense.On(Device);
        var x = arrays.Upload(numbers.UniformFloat(s.InputLength));
        var w = arrays.Upload(numbers.UniformFloat(s.WeightLength));
        var b = arrays.Upload(numbers.UniformFloat(s.Outputs));
        var dy = arrays.Upload(numbers.UniformFloat(s.OutputLength));
        float[] Run()
        {
            var y = arrays.Poisoned(s.OutputLength);
            var dx = arrays.Poisoned(s.InputLength);
            var dw = arrays.Upload(new float[s.WeightLength]);
            var db = arrays.Upload(new float[s.Outputs]);
            dense.Forward(y, x, w, b, s);
            dense.Backward(dx, dw, db, dy, x, y, w, s);
            return [.. arrays.Read(y), .. arrays.Read(dx), .. arrays.Read(dw), .. arrays.Read(db)];
        }
        Assert.That(Run(), Is.EqualTo(Run()).AsCollection);
    }
}
