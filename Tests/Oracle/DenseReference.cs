using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Oracle;

/// <summary>The float64 answer key for <see cref="Dense"/>; same formulas, same layouts, plain loops.</summary>
public static class DenseReference
{
    public static double[] Forward(double[] input, double[] weight, double[] bias, DenseShape s)
    {
        var output = new double[s.OutputLength];
        for (var n = 0; n < s.Batch; n++)
        for (var o = 0; o < s.Outputs; o++)
        {
            var sum = bias[o];
            for (var k = 0; k < s.Inputs; k++)
                sum += weight[o * s.Inputs + k] * input[n * s.Inputs + k];
            output[n * s.Outputs + o] = s.Relu != 0 ? Math.Max(0, sum) : sum;
        }
        return output;
    }

    /// <summary>Gradients of Σ dOutput·y: (dInput, dWeight, dBias).</summary>
    public static (double[] DInput, double[] DWeight, double[] DBias) Backward(
        double[] dOutput, double[] output, double[] input, double[] weight, DenseShape s)
    {
        var dInput = new double[s.InputLength];
        var dWeight = new double[s.WeightLength];
        var dBias = new double[s.Outputs];
        for (var n = 0; n < s.Batch; n++)
        for (var o = 0; o < s.Outputs; o++)
        {
            var index = n * s.Outputs + o;
            var dz = s.Relu != 0 && output[index] <= 0 ? 0 : dOutput[index];
            dBias[o] += dz;
            for (var k = 0; k < s.Inputs; k++)
            {
                dWeight[o * s.Inputs + k] += dz * input[n * s.Inputs + k];
                dInput[n * s.Inputs + k] += dz * weight[o * s.Inputs + k];
            }
        }
        return (dInput, dWeight, dBias);
    }
}
