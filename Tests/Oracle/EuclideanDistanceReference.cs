using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Oracle;

/// <summary>The float64 answer key for <see cref="EuclideanDistance"/>; same floor (the float32 constant, widened).</summary>
public static class EuclideanDistanceReference
{
    public const double SquaredDistanceFloor = EuclideanDistanceKernels.SquaredDistanceFloor;

    public static double SquaredDistance(double[] a, double[] b, int n, int features)
    {
        var sum = 0.0;
        for (var k = 0; k < features; k++)
        {
            var difference = a[n * features + k] - b[n * features + k];
            sum += difference * difference;
        }
        return sum;
    }

    public static double[] Forward(double[] a, double[] b, EuclideanDistanceShape s)
    {
        var distance = new double[s.Batch];
        for (var n = 0; n < s.Batch; n++)
            distance[n] = Math.Sqrt(Math.Max(SquaredDistance(a, b, n, s.Features), SquaredDistanceFloor));
        return distance;
    }

    /// <summary>Gradients of Σ dDistance·d: (dA, dB); zero on rows where the floor holds.</summary>
    public static (double[] DA, double[] DB) Backward(double[] dDistance, double[] a, double[] b, EuclideanDistanceShape s)
    {
        var dA = new double[s.InputLength];
        var dB = new double[s.InputLength];
        for (var n = 0; n < s.Batch; n++)
        {
            var squared = SquaredDistance(a, b, n, s.Features);
            if (squared < SquaredDistanceFloor)
                continue;
            var d = Math.Sqrt(squared);
            for (var k = 0; k < s.Features; k++)
            {
                var i = n * s.Features + k;
                dA[i] = dDistance[n] * (a[i] - b[i]) / d;
                dB[i] = -dA[i];
            }
        }
        return (dA, dB);
    }
}
