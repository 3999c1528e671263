using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Oracle;

/// <summary>The float64 answer key for <see cref="Dropout"/>; the mask comes from the same <see cref="DropoutMask"/> the kernels call.</summary>
public static class DropoutReference
{
    public static double[] Forward(double[] input, DropoutShape s) => Apply(input, s);

    /// <summary>Gradient of Σ dOutput·y with respect to x: the same mask and scale applied to dOutput.</summary>
    public static double[] Backward(double[] dOutput, DropoutShape s) => Apply(dOutput, s);

    private static double[] Apply(double[] values, DropoutShape s)
    {
        var result = new double[s.Length];
        var scale = 1.0 / (1.0 - s.Rate);
        for (var i = 0; i < s.Length; i++)
            result[i] = DropoutMask.Keep(s.Seed, s.Step, i, s.Rate) ? values[i] * scale : 0;
        return result;
    }
}
