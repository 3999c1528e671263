using ILGPU;
using ILGPU.Algorithms;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>w, m, v, g: (L); the bias corrections of step t are folded into StepSize by <see cref="ForStep"/>.</summary>
public readonly struct AdamShape(int length, float beta1, float beta2, float epsilon, float stepSize)
{
    public const double DefaultLearningRate = 1e-3;
    public const double DefaultBeta1 = 0.9;
    public const double DefaultBeta2 = 0.999;
    public const double DefaultEpsilon = 1e-7;

    public readonly int Length = length;
    public readonly float Beta1 = beta1;
    public readonly float Beta2 = beta2;
    public readonly float Epsilon = epsilon;
    public readonly float StepSize = stepSize;

    /// <summary>
    /// The shape of step <paramref name="step"/> (the first is 1): α = lr·sqrt(1 - β2^t) / (1 - β1^t), in double
    /// on the host, as Keras does (its epsilon then sits outside the bias correction of v).
    /// </summary>
    public static AdamShape ForStep(int length, double learningRate, double beta1, double beta2, double epsilon, int step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        var stepSize = learningRate * Math.Sqrt(1 - Math.Pow(beta2, step)) / (1 - Math.Pow(beta1, step));
        return new AdamShape(length, (float)beta1, (float)beta2, (float)epsilon, (float)stepSize);
    }
}

/// <summary>
/// Keras' Adam, one step over a block of parameters: m = β1·m + (1-β1)·g, v = β2·v + (1-β2)·g²,
/// w -= α·m / (sqrt(v) + ε). Updates w, m and v in place; reads the accumulated gradient g.
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static class AdamKernels
{
    // w, m, v, g: (L)
    public static void AdamUpdate(ArrayView<float> weight, ArrayView<float> m, ArrayView<float> v, ArrayView<float> gradient,
        AdamShape s)
    {
        for (var run = GridStride.RunStart; run < s.Length; run += GridStride.RunStep)
        {
            for (var i = run; i < GridStride.RunEnd(run, s.Length); i++)
            {
                var g = gradient[i];
                var mi = s.Beta1 * m[i] + (1f - s.Beta1) * g;
                var vi = s.Beta2 * v[i] + (1f - s.Beta2) * g * g;
                m[i] = mi;
                v[i] = vi;
                weight[i] -= s.StepSize * mi / (XMath.Sqrt(vi) + s.Epsilon);
            }
        }
    }
}
// Stryker restore all

/// <summary>The Adam update on one device.</summary>
public sealed class Adam(ComputeDevice device)
{
    // w, m, v, g: (L)
    public void Update(ArrayView<float> weight, ArrayView<float> m, ArrayView<float> v, ArrayView<float> gradient, AdamShape s) =>
        device.Run(AdamKernels.AdamUpdate, device.LaunchRuns(s.Length), weight, m, v, gradient, s);
}
