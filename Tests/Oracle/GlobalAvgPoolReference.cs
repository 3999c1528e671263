using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Oracle;

/// <summary>The float64 answer key for <see cref="GlobalAvgPool"/>.</summary>
public static class GlobalAvgPoolReference
{
    public static double[] Forward(double[] input, GlobalAvgPoolShape s)
    {
        var output = new double[s.OutputLength];
        for (var i = 0; i < s.OutputLength; i++)
        {
            var sum = 0.0;
            for (var p = 0; p < s.Area; p++)
                sum += input[i * s.Area + p];
            output[i] = sum / s.Area;
        }
        return output;
    }

    /// <summary>Gradient of Σ dOutput·y with respect to x.</summary>
    public static double[] Backward(double[] dOutput, GlobalAvgPoolShape s)
    {
        var dInput = new double[s.InputLength];
        for (var i = 0; i < s.InputLength; i++)
            dInput[i] = dOutput[i / s.Area] / s.Area;
        return dInput;
    }
}
