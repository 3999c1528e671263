using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Oracle;

/// <summary>The float64 answer key for <see cref="Adam"/>: one step t (from 1), everything in double, in place.</summary>
public static class AdamReference
{
    public static void Update(double[] weight, double[] m, double[] v, double[] gradient, int step,
        double learningRate = AdamShape.DefaultLearningRate, double beta1 = AdamShape.DefaultBeta1,
        double beta2 = AdamShape.DefaultBeta2, double epsilon = AdamShape.DefaultEpsilon)
    {
        var stepSize = learningRate * Math.Sqrt(1 - Math.Pow(beta2, step)) / (1 - Math.Pow(beta1, step));
        for (var i = 0; i < weight.Length; i++)
        {
            m[i] = beta1 * m[i] + (1 - beta1) * gradient[i];
            v[i] = beta2 * v[i] + (1 - beta2) * gradient[i] * gradient[i];
            weight[i] -= stepSize * m[i] / (Math.Sqrt(v[i]) + epsilon);
        }
    }
}
