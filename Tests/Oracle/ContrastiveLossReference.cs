using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Oracle;

/// <summary>The float64 answer key for <see cref="ContrastiveLoss"/>: per-pair loss, gradient of the mean loss.</summary>
public static class ContrastiveLossReference
{
    public static double[] Forward(double[] distance, double[] label, ContrastiveShape s)
    {
        var loss = new double[s.Batch];
        for (var n = 0; n < s.Batch; n++)
        {
            var gap = Math.Max(s.Margin - distance[n], 0);
            loss[n] = label[n] * distance[n] * distance[n] + (1 - label[n]) * gap * gap;
        }
        return loss;
    }

    /// <summary>Gradient of mean(loss) with respect to the distance.</summary>
    public static double[] Backward(double[] distance, double[] label, ContrastiveShape s)
    {
        var dDistance = new double[s.Batch];
        for (var n = 0; n < s.Batch; n++)
        {
            var gap = Math.Max(s.Margin - distance[n], 0);
            dDistance[n] = (2 * label[n] * distance[n] - 2 * (1 - label[n]) * gap) / s.Batch;
        }
        return dDistance;
    }
}
