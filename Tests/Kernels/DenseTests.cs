using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

public class DenseReferenceGradientTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void BackwardMatchesFiniteDifferences(bool relu)
    {
        var numbers = new Numbers();
        var s = new DenseShape(batch: 5, inputs: 7, outputs: 6, relu);
        var x = numbers.Uniform(s.InputLength);
        var w = numbers.Uniform(s.WeightLength);
        var b = numbers.Uniform(s.Outputs);
        var dy = numbers.Uniform(s.OutputLength);
        var y = DenseReference.Forward(x, w, b, s);
        var (dx, dw, db) = DenseReference.Backward(dy, y, x, w, s);
        double Loss() => GradientCheck.Dot(dy, DenseReference.Forward(x, w, b, s));
        GradientCheck.Probe("dInput", x, dx, Loss, numbers.Random);
        GradientCheck.Probe("dWeight", w, dw, Loss, numbers.Random);
        GradientCheck.Probe("dBias", b, db, Loss, numbers.Random);
    }
}

[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class DenseKernelTests(string deviceId) : BackendFixture(deviceId)
{
    [Test]
    public void ForwardAndBackwardMatchReference([Values] bool relu)
    {
        var numbers = new Numbers();
        var s = new DenseShape(batch: 9, inputs: 37, outputs: 19, relu);
        var x = numbers.UniformFloat(s.InputLength);
        var w = numbers.UniformFloat(s.WeightLength);
        var b = numbers.UniformFloat(s.Outputs);
        var dy = numbers.UniformFloat(s.OutputLength);
        var dwBefore = numbers.UniformFloat(s.WeightLength);
        var dbBefore = numbers.UniformFloat(s.Outputs);
        var y = DenseReference.Forward(x, w, b, s);
        var (dx, dw, db) = DenseReference.Backward(dy, y, x, w, s);

        using var arrays = new DeviceArrays(Device);
        var dense = Dense.On(Device);
        var yDevice = arrays.Poisoned(s.OutputLength);
        var dxDevice = arrays.Poisoned(s.InputLength);
        var dwDevice = arrays.Upload(dwBefore);
        var dbDevice = arrays.Upload(dbBefore);
        var xDevice = arrays.Upload(x);
        var wDevice = arrays.Upload(w);
        dense.Forward(yDevice, xDevice, wDevice, arrays.Upload(b), s);
        Close.Assert("forward", arrays.Read(yDevice), y);

        // The backward reads the float32 forward output (for the ReLU mask), as in training.
        dense.Backward(dxDevice, dwDevice, dbDevice, arrays.Upload(dy), xDevice, yDevice, wDevice, s);
        Close.Assert("dInput", arrays.Read(dxDevice), dx);
        Close.Assert("dWeight (accumulated)", arrays.Read(dwDevice), dw.Zip(dwBefore, (g, before) => g + before).ToArray());
        Close.Assert("dBias (accumulated)", arrays.Read(dbDevice), db.Zip(dbBefore, (g, before) => g + before).ToArray());
    }

    [Test]
    public void TwoLaunchesGiveIdenticalBits()
    {
        var numbers = new Numbers();
        var s = new DenseShape(batch: 16, inputs: 64, outputs: 48, relu: true);
        using var arrays = new DeviceArrays(Device);
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
