using IlgpuSiamese.Oracle.Checks;
using ILGPU;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

/// <summary>
/// Three Adam steps (lr 1e-3, β1 0.9, β2 0.999, ε 1e-7) on three scalars, worked out by hand (checked at 30
/// digits). Step 1: m = 0.1 g, v = 0.001 g², α = 1e-3·sqrt(0.001)/0.1 = 3.1622776601683793e-4, so each weight
/// moves by α·0.1 g / (sqrt(0.001)|g| + 1e-7) ≈ 1e-3·sign(g): 0.5 → 0.4990000158111383. The third scalar sees
/// g = 0 twice (it must not move) and then 1e-3, where ε is no longer negligible next to sqrt(v) = 3.2e-5.
/// </summary>
public static class AdamByHand
{
    public static readonly double[] Start = [0.5, -1.0, 2.0];

    public static readonly double[][] Gradients = [[0.2, -0.1, 0.0], [0.1, 0.3, 0.0], [-0.4, 0.2, 0.001]];

    public static readonly double[] StepSizes = [3.1622776601683793e-4, 2.3531672532745429e-4, 2.0201059743896785e-4];

    public static readonly double[][] Weights =
    [
        [0.4990000158111383, -0.99900003162177663, 2.0],
        [0.49806784936042756, -0.9994942165129777, 2.0],
        [0.49827420496333194, -1.000158612088862, 1.9993632001385773],
    ];

    public static readonly double[][] FirstMoments = [[0.02, -0.01, 0.0], [0.028, 0.021, 0.0], [-0.0148, 0.0389, 0.0001]];

    public static readonly double[][] SecondMoments =
        [[4.0e-5, 1.0e-5, 0.0], [4.996e-5, 9.999e-5, 0.0], [0.00020991004, 0.00013989001, 1.0e-9]];
}

public class AdamReferenceTests
{
    [Test]
    public void ReferenceMatchesStepsComputedByHand()
    {
        var w = (double[])AdamByHand.Start.Clone();
        var m = new double[w.Length];
        var v = new double[w.Length];
        for (var t = 1; t <= 3; t++)
        {
            AdamReference.Update(w, m, v, AdamByHand.Gradients[t - 1], t);
            Assert.That(w, Is.EqualTo(AdamByHand.Weights[t - 1]).AsCollection.Within(1e-15), $"weights after step {t}");
            Assert.That(m, Is.EqualTo(AdamByHand.FirstMoments[t - 1]).AsCollection.Within(1e-16), $"m after step {t}");
            Assert.That(v, Is.EqualTo(AdamByHand.SecondMoments[t - 1]).AsCollection.Within(1e-18), $"v after step {t}");
        }
    }

    [Test]
    public void ForStepFoldsTheBiasCorrectionsIntoTheStepSize()
    {
        for (var t = 1; t <= 3; t++)
        {
            var s = AdamShape.ForStep(10, AdamShape.DefaultLearningRate, AdamShape.DefaultBeta1, AdamShape.DefaultBeta2,
                AdamShape.DefaultEpsilon, t);
            Assert.That(s.StepSize, Is.EqualTo((float)AdamByHand.StepSizes[t - 1]), $"step {t}");
            Assert.That((s.Length, s.Beta1, s.Beta2, s.Epsilon), Is.EqualTo((10, 0.9f, 0.999f, 1e-7f)));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => AdamShape.ForStep(10, 1e-3, 0.9, 0.999, 1e-7, 0));
    }
}

[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class AdamKernelTests(string deviceId) : BackendFixture(deviceId)
{
    private static AdamShape Step(int length, int t) => AdamShape.ForStep(length, AdamShape.DefaultLearningRate,
        AdamShape.DefaultBeta1, AdamShape.DefaultBeta2, AdamShape.DefaultEpsilon, t);

    /// <summary>
    /// Weights to 1e-6 absolute, a thousandth of a step. m = 0.9 m + 0.1 g can cancel, so its error is float
    /// rounding of terms of size 0.1|g|: atol 1e-7. v gets rtol 1e-4: in float32, as in Keras, 1 - 0.999f is
    /// 0.00099998713, 1.3e-5 away from the exact 0.001.
    /// </summary>
    private static void CheckState(string when, DeviceBuffers arrays, ArrayView<float> w, ArrayView<float> m, ArrayView<float> v,
        double[] wExpected, double[] mExpected, double[] vExpected)
    {
        Close.Assert($"weight {when}", arrays.Read(w), wExpected, atol: 1e-6, rtol: 0);
        Close.Assert($"m {when}", arrays.Read(m), mExpected, atol: 1e-7, rtol: 1e-5);
        Close.Assert($"v {when}", arrays.Read(v), vExpected, atol: 1e-12, rtol: 1e-4);
    }

    [Test]
    public void KernelMatchesStepsComputedByHand()
    {
        using var arrays = new DeviceBuffers(Device);
        var launch = new Adam(Device);
        var length = AdamByHand.Start.Length;
        var w = arrays.Upload(AdamByHand.Start);
        var m = arrays.Upload(new float[length]);
        var v = arrays.Upload(new float[length]);
        for (var t = 1; t <= 3; t++)
        {
            launch.Update(w, m, v, arrays.Upload(AdamByHand.Gradients[t - 1]), Step(length, t));
            CheckState($"after step {t}", arrays, w, m, v,
                AdamByHand.Weights[t - 1], AdamByHand.FirstMoments[t - 1], AdamByHand.SecondMoments[t - 1]);
        }
    }

    [Test]
    public void KernelMatchesReference()
    {
        var numbers = new Numbers();
        const int length = 1031;
        var w = numbers.UniformFloat(length);
        var m = new double[length];
        var v = new double[length];
        using var arrays = new DeviceBuffers(Device);
        var launch = new Adam(Device);
        var wDevice = arrays.Upload(w);
        var mDevice = arrays.Upload(m);
        var vDevice = arrays.Upload(v);
        for (var t = 1; t <= 3; t++)
        {
            var g = numbers.UniformFloat(length);
            AdamReference.Update(w, m, v, g, t);
            launch.Update(wDevice, mDevice, vDevice, arrays.Upload(g), Step(length, t));
            CheckState($"after step {t}", arrays, wDevice, mDevice, vDevice, w, m, v);
        }
    }

    [Test]
    public void TwoLaunchesGiveIdenticalBits()
    {
        var numbers = new Numbers();
        const int length = 4096;
        var w = numbers.UniformFloat(length);
        var m = numbers.UniformFloat(length);
        var v = numbers.UniformFloat(length, 0, 1e-3);
        var g = numbers.UniformFloat(length);
        using var arrays = new DeviceBuffers(Device);
        var launch = new Adam(Device);
        var gDevice = arrays.Upload(g);
        float[] Run()
        {
            var (wDevice, mDevice, vDevice) = (arrays.Upload(w), arrays.Upload(m), arrays.Upload(v));
            launch.Update(wDevice, mDevice, vDevice, gDevice, Step(length, 7));
            return arrays.Read(wDevice).Concat(arrays.Read(mDevice)).Concat(arrays.Read(vDevice)).ToArray();
        }
        Assert.That(Run(), Is.EqualTo(Run()).AsCollection);
    }
}
