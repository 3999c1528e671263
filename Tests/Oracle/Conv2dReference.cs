using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Oracle;

/// <summary>The float64 answer key for <see cref="Conv2d"/>; same formulas, same layouts, plain loops with explicit padding checks.</summary>
public static class Conv2dReference
{
    public static double[] Forward(double[] input, double[] weight, double[] bias, Conv2dShape s)
    {
        var output = new double[s.OutputLength];
        for (var n = 0; n < s.Batch; n++)
        for (var o = 0; o < s.OutChannels; o++)
        for (var h = 0; h < s.Height; h++)
        for (var w = 0; w < s.Width; w++)
        {
            var sum = bias[o];
            for (var c = 0; c < s.InChannels; c++)
            for (var kh = 0; kh < s.Kernel; kh++)
            for (var kw = 0; kw < s.Kernel; kw++)
            {
                var ih = h + kh - s.PadBefore;
                var iw = w + kw - s.PadBefore;
                if (ih >= 0 && ih < s.Height && iw >= 0 && iw < s.Width)
                    sum += weight[WeightIndex(o, c, kh, kw, s)] * input[InputIndex(n, c, ih, iw, s)];
            }
            output[OutputIndex(n, o, h, w, s)] = s.Relu != 0 ? Math.Max(0, sum) : sum;
        }
        return output;
    }

    /// <summary>Gradients of Σ dOutput·y: (dInput, dWeight, dBias).</summary>
    public static (double[] DInput, double[] DWeight, double[] DBias) Backward(
        double[] dOutput, double[] output, double[] input, double[] weight, Conv2dShape s)
    {
        var dInput = new double[s.InputLength];
        var dWeight = new double[s.WeightLength];
        var dBias = new double[s.OutChannels];
        for (var n = 0; n < s.Batch; n++)
        for (var o = 0; o < s.OutChannels; o++)
        for (var h = 0; h < s.Height; h++)
        for (var w = 0; w < s.Width; w++)
        {
            var index = OutputIndex(n, o, h, w, s);
            var dz = s.Relu != 0 && output[index] <= 0 ? 0 : dOutput[index];
            dBias[o] += dz;
            for (var c = 0; c < s.InChannels; c++)
            for (var kh = 0; kh < s.Kernel; kh++)
            for (var kw = 0; kw < s.Kernel; kw++)
            {
                var ih = h + kh - s.PadBefore;
                var iw = w + kw - s.PadBefore;
                if (ih < 0 || ih >= s.Height || iw < 0 || iw >= s.Width)
                    continue;
                dWeight[WeightIndex(o, c, kh, kw, s)] += dz * input[InputIndex(n, c, ih, iw, s)];
                dInput[InputIndex(n, c, ih, iw, s)] += dz * weight[WeightIndex(o, c, kh, kw, s)];
            }
        }
        return (dInput, dWeight, dBias);
    }

    private static int InputIndex(int n, int c, int h, int w, Conv2dShape s) => ((n * s.InChannels + c) * s.Height + h) * s.Width + w;

    private static int OutputIndex(int n, int o, int h, int w, Conv2dShape s) => ((n * s.OutChannels + o) * s.Height + h) * s.Width + w;

    private static int WeightIndex(int o, int c, int kh, int kw, Conv2dShape s) => ((o * s.InChannels + c) * s.Kernel + kh) * s.Kernel + kw;
}
