using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Oracle;

/// <summary>The float64 answer key for <see cref="MaxPool2d"/>, argmax included (first maximum in row-major window order).</summary>
public static class MaxPool2dReference
{
    public static (double[] Output, int[] Argmax) Forward(double[] input, MaxPool2dShape s)
    {
        var output = new double[s.OutputLength];
        var argmax = new int[s.OutputLength];
        for (var plane = 0; plane < s.Batch * s.Channels; plane++)
        for (var oh = 0; oh < s.OutHeight; oh++)
        for (var ow = 0; ow < s.OutWidth; ow++)
        {
            var best = -1;
            for (var dh = 0; dh < 2; dh++)
            for (var dw = 0; dw < 2; dw++)
            {
                var j = (plane * s.Height + 2 * oh + dh) * s.Width + 2 * ow + dw;
                if (best < 0 || input[j] > input[best])
                    best = j;
            }
            var i = (plane * s.OutHeight + oh) * s.OutWidth + ow;
            output[i] = input[best];
            argmax[i] = best;
        }
        return (output, argmax);
    }

    /// <summary>Gradient of Σ dOutput·y with respect to x: each window's dOutput goes to its maximum.</summary>
    public static double[] Backward(double[] dOutput, int[] argmax, MaxPool2dShape s)
    {
        var dInput = new double[s.InputLength];
        for (var i = 0; i < s.OutputLength; i++)
            dInput[argmax[i]] += dOutput[i];
        return dInput;
    }
}
