using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>
/// x: (N, C, H, W)  w: (O, C, K, K)  b: (O)  y: (N, O, H, W); stride 1, "same" padding as Keras does it:
/// PadBefore = (K-1)/2 rows/columns of zeros before, K-1-PadBefore after (even K: 0 before, 1 after).
/// Relu = 1 fuses max(0, ·) into the output.
/// </summary>
public readonly struct Conv2dShape(int batch, int inChannels, int height, int width, int outChannels, int kernel, bool relu)
{
    public readonly int Batch = batch;
    public readonly int InChannels = inChannels;
    public readonly int Height = height;
    public readonly int Width = width;
    public readonly int OutChannels = outChannels;
    public readonly int Kernel = kernel;
    public readonly int Relu = relu ? 1 : 0;
    public readonly int PadBefore = (kernel - 1) / 2;

    public int InputLength => Batch * InChannels * Height * Width;
    public int OutputLength => Batch * OutChannels * Height * Width;
    public int WeightLength => OutChannels * InChannels * Kernel * Kernel;
}

/// <summary>
/// 2-D convolution (cross-correlation, as every framework computes it), stride 1, same padding:
/// y[n,o,h,w] = act(b[o] + Σ_c Σ_kh Σ_kw w[o,c,kh,kw] x[n,c,h+kh-P,w+kw-P]), x outside the image = 0.
/// Gradient rule: dWeight and dBias accumulate (+=), so the two twin branches add into one buffer;
/// dInput is assigned (=). With the fused ReLU, dz = dy · [y &gt; 0] is formed on the fly.
/// Loops run only over the taps that fall inside the image, so no padded copy of x is ever made.
/// </summary>
public static class Conv2d
{
    // x: (N, C, H, W)  w: (O, C, K, K)  b: (O)  y: (N, O, H, W)
    public static void Conv2dForward(ArrayView<float> output, ArrayView<float> input, ArrayView<float> weight,
        ArrayView<float> bias, Conv2dShape s)
    {
        for (var i = GridStride.Start; i < s.OutputLength; i += GridStride.Step)
        {
            var w = i % s.Width;
            var h = i / s.Width % s.Height;
            var o = i / (s.Width * s.Height) % s.OutChannels;
            var n = i / (s.Width * s.Height * s.OutChannels);
            // Taps kh with 0 <= h + kh - P < H, likewise kw.
            var khFirst = s.PadBefore - h > 0 ? s.PadBefore - h : 0;
            var khEnd = s.Height + s.PadBefore - h < s.Kernel ? s.Height + s.PadBefore - h : s.Kernel;
            var kwFirst = s.PadBefore - w > 0 ? s.PadBefore - w : 0;
            var kwEnd = s.Width + s.PadBefore - w < s.Kernel ? s.Width + s.PadBefore - w : s.Kernel;
            var sum = bias[o];
            for (var c = 0; c < s.InChannels; c++)
            {
                var plane = (n * s.InChannels + c) * s.Height;
                var taps = (o * s.InChannels + c) * s.Kernel;
                for (var kh = khFirst; kh < khEnd; kh++)
                {
                    var row = (plane + h + kh - s.PadBefore) * s.Width + w - s.PadBefore;
                    var tap = (taps + kh) * s.Kernel;
                    for (var kw = kwFirst; kw < kwEnd; kw++)
                        sum += weight[tap + kw] * input[row + kw];
                }
            }
            output[i] = s.Relu != 0 && sum < 0f ? 0f : sum;
        }
    }

    private static float PreActivationGradient(ArrayView<float> dOutput, ArrayView<float> output, int index, Conv2dShape s) =>
        s.Relu != 0 && output[index] <= 0f ? 0f : dOutput[index];

    // dy: (N, O, H, W)  w: (O, C, K, K)  dx: (N, C, H, W)   dx[n,c,h,w] = Σ_o Σ_kh Σ_kw dz[n,o,h-kh+P,w-kw+P] w[o,c,kh,kw]
    public static void Conv2dBackwardInput(ArrayView<float> dInput, ArrayView<float> dOutput, ArrayView<float> output,
        ArrayView<float> weight, Conv2dShape s)
    {
        for (var i = GridStride.Start; i < s.InputLength; i += GridStride.Step)
        {
            var w = i % s.Width;
            var h = i / s.Width % s.Height;
            var c = i / (s.Width * s.Height) % s.InChannels;
            var n = i / (s.Width * s.Height * s.InChannels);
            // Taps kh whose output row h - kh + P lies in [0, H), likewise kw.
            var khFirst = h + s.PadBefore - s.Height + 1 > 0 ? h + s.PadBefore - s.Height + 1 : 0;
            var khEnd = h + s.PadBefore + 1 < s.Kernel ? h + s.PadBefore + 1 : s.Kernel;
            var kwFirst = w + s.PadBefore - s.Width + 1 > 0 ? w + s.PadBefore - s.Width + 1 : 0;
            var kwEnd = w + s.PadBefore + 1 < s.Kernel ? w + s.PadBefore + 1 : s.Kernel;
            var sum = 0f;
            for (var o = 0; o < s.OutChannels; o++)
            {
                var plane = (n * s.OutChannels + o) * s.Height;
                var taps = (o * s.InChannels + c) * s.Kernel;
                for (var kh = khFirst; kh < khEnd; kh++)
                {
                    var row = (plane + h - kh + s.PadBefore) * s.Width + w + s.PadBefore;
                    var tap = (taps + kh) * s.Kernel;
                    for (var kw = kwFirst; kw < kwEnd; kw++)
                        sum += PreActivationGradient(dOutput, output, row - kw, s) * weight[tap + kw];
                }
            }
            dInput[i] = sum;
        }
    }

    // dy: (N, O, H, W)  x: (N, C, H, W)  dw: (O, C, K, K)   dw[o,c,kh,kw] += Σ_n Σ_h Σ_w dz[n,o,h,w] x[n,c,h+kh-P,w+kw-P]
    public static void Conv2dBackwardWeight(ArrayView<float> dWeight, ArrayView<float> dOutput, ArrayView<float> output,
        ArrayView<float> input, Conv2dShape s)
    {
        for (var i = GridStride.Start; i < s.WeightLength; i += GridStride.Step)
        {
            var kw = i % s.Kernel;
            var kh = i / s.Kernel % s.Kernel;
            var c = i / (s.Kernel * s.Kernel) % s.InChannels;
            var o = i / (s.Kernel * s.Kernel * s.InChannels);
            // Output positions h whose input row h + kh - P lies in [0, H), likewise w.
            var hFirst = s.PadBefore - kh > 0 ? s.PadBefore - kh : 0;
            var hEnd = s.Height + s.PadBefore - kh < s.Height ? s.Height + s.PadBefore - kh : s.Height;
            var wFirst = s.PadBefore - kw > 0 ? s.PadBefore - kw : 0;
            var wEnd = s.Width + s.PadBefore - kw < s.Width ? s.Width + s.PadBefore - kw : s.Width;
            var sum = 0f;
            for (var n = 0; n < s.Batch; n++)
            {
                var outPlane = (n * s.OutChannels + o) * s.Height;
                var inPlane = (n * s.InChannels + c) * s.Height;
                for (var h = hFirst; h < hEnd; h++)
                {
                    var outRow = (outPlane + h) * s.Width;
                    var inRow = (inPlane + h + kh - s.PadBefore) * s.Width + kw - s.PadBefore;
                    for (var w = wFirst; w < wEnd; w++)
                        sum += PreActivationGradient(dOutput, output, outRow + w, s) * input[inRow + w];
                }
            }
            dWeight[i] += sum;
        }
    }

    // dy: (N, O, H, W)  db: (O)   db[o] += Σ_n Σ_h Σ_w dz[n,o,h,w]
    public static void Conv2dBackwardBias(ArrayView<float> dBias, ArrayView<float> dOutput, ArrayView<float> output,
        Conv2dShape s)
    {
        var area = s.Height * s.Width;
        for (var o = GridStride.Start; o < s.OutChannels; o += GridStride.Step)
        {
            var sum = 0f;
            for (var n = 0; n < s.Batch; n++)
            {
                var plane = (n * s.OutChannels + o) * area;
                for (var p = 0; p < area; p++)
                    sum += PreActivationGradient(dOutput, output, plane + p, s);
            }
            dBias[o] += sum;
        }
    }
}

/// <summary>The convolution kernels loaded on one device.</summary>
public sealed class Conv2dLaunchers
{
    private readonly ComputeDevice device;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape> forward;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape> backwardInput;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape> backwardWeight;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape> backwardBias;

    private Conv2dLaunchers(ComputeDevice device)
    {
        this.device = device;
        var a = device.Accelerator;
        forward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape>(Conv2d.Conv2dForward);
        backwardInput = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape>(Conv2d.Conv2dBackwardInput);
        backwardWeight = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape>(Conv2d.Conv2dBackwardWeight);
        backwardBias = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape>(Conv2d.Conv2dBackwardBias);
    }

    public static Conv2dLaunchers On(ComputeDevice device) => device.Kernels(static d => new Conv2dLaunchers(d));

    public void Forward(ArrayView<float> output, ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias, Conv2dShape s) =>
        forward(device.Launch(s.OutputLength), output, input, weight, bias, s);

    public void BackwardInput(ArrayView<float> dInput, ArrayView<float> dOutput, ArrayView<float> output, ArrayView<float> weight, Conv2dShape s) =>
        backwardInput(device.Launch(s.InputLength), dInput, dOutput, output, weight, s);

    public void BackwardWeight(ArrayView<float> dWeight, ArrayView<float> dOutput, ArrayView<float> output, ArrayView<float> input, Conv2dShape s) =>
        backwardWeight(device.Launch(s.WeightLength), dWeight, dOutput, output, input, s);

    public void BackwardBias(ArrayView<float> dBias, ArrayView<float> dOutput, ArrayView<float> output, Conv2dShape s) =>
        backwardBias(device.Launch(s.OutChannels), dBias, dOutput, output, s);
}
