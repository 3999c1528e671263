using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Oracle;

/// <summary>The float64 answer key for <see cref="TripletLoss"/>: per-row loss, gradients of the mean loss.</summary>
public static class TripletLossReference
{
    private static double Distance(double squared) => Math.Sqrt(Math.Max(squared, EuclideanDistanceReference.SquaredDistanceFloor));

    public static double[] Forward(double[] anchor, double[] positive, double[] negative, TripletShape s)
    {
        var loss = new double[s.Batch];
        for (var n = 0; n < s.Batch; n++)
        {
            var dap = Distance(EuclideanDistanceReference.SquaredDistance(anchor, positive, n, s.Features));
            var dan = Distance(EuclideanDistanceReference.SquaredDistance(anchor, negative, n, s.Features));
            loss[n] = Math.Max(dap - dan + s.Margin, 0);
        }
        return loss;
    }

    /// <summary>Gradients of mean(loss): (dAnchor, dPositive, dNegative).</summary>
    public static (double[] DAnchor, double[] DPositive, double[] DNegative) Backward(double[] anchor, double[] positive,
        double[] negative, TripletShape s)
    {
        var dAnchor = new double[s.InputLength];
        var dPositive = new double[s.InputLength];
        var dNegative = new double[s.InputLength];
        for (var n = 0; n < s.Batch; n++)
        {
            var sap = EuclideanDistanceReference.SquaredDistance(anchor, positive, n, s.Features);
            var san = EuclideanDistanceReference.SquaredDistance(anchor, negative, n, s.Features);
            var dap = Distance(sap);
            var dan = Distance(san);
            if (dap - dan + s.Margin <= 0)
                continue;
            for (var k = 0; k < s.Features; k++)
            {
                var i = n * s.Features + k;
                var toPositive = sap < EuclideanDistanceReference.SquaredDistanceFloor ? 0 : (anchor[i] - positive[i]) / dap / s.Batch;
                var toNegative = san < EuclideanDistanceReference.SquaredDistanceFloor ? 0 : (anchor[i] - negative[i]) / dan / s.Batch;
                dAnchor[i] = toPositive - toNegative;
                dPositive[i] = -toPositive;
                dNegative[i] = toNegative;
            }
        }
        return (dAnchor, dPositive, dNegative);
    }
}
