using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Oracle;

/// <summary>The float64 answer key for <see cref="SigmoidBce"/>: per-pair probability and loss, gradients of the mean loss.</summary>
public static class SigmoidBceReference
{
    public static (double[] Probability, double[] Loss) Forward(double[] distance, double[] label, double headWeight,
        double headBias, SigmoidBceShape s)
    {
        var probability = new double[s.Batch];
        var loss = new double[s.Batch];
        for (var n = 0; n < s.Batch; n++)
        {
            var z = headWeight * distance[n] + headBias;
            var e = Math.Exp(-Math.Abs(z));
            probability[n] = z >= 0 ? 1 / (1 + e) : e / (1 + e);
            loss[n] = Math.Max(z, 0) - label[n] * z + Math.Log(1 + e);
        }
        return (probability, loss);
    }

    /// <summary>Gradients of mean(loss): (dDistance, dHeadWeight, dHeadBias).</summary>
    public static (double[] DDistance, double DHeadWeight, double DHeadBias) Backward(double[] probability, double[] distance,
        double[] label, double headWeight, SigmoidBceShape s)
    {
        var dDistance = new double[s.Batch];
        var dHeadWeight = 0.0;
        var dHeadBias = 0.0;
        for (var n = 0; n < s.Batch; n++)
        {
            var dz = (probability[n] - label[n]) / s.Batch;
            dDistance[n] = headWeight * dz;
            dHeadWeight += dz * distance[n];
            dHeadBias += dz;
        }
        return (dDistance, dHeadWeight, dHeadBias);
    }
}
