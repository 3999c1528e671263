using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>x: (N, C, H, W)  y: (N, C, H/2, W/2) rounded down: 2×2 windows, stride 2; an odd last row/column is dropped.</summary>
public readonly struct MaxPool2dShape(int batch, int channels, int height, int width)
{
    public readonly int Batch = batch;
    public readonly int Channels = channels;
    public readonly int Height = height;
    public readonly int Width = width;

    public int OutHeight => Height / 2;
    public int OutWidth => Width / 2;
    public int InputLength => Batch * Channels * Height * Width;
    public int OutputLength => Batch * Channels * OutHeight * OutWidth;
}

/// <summary>
/// Max pooling, 2×2 windows, stride 2: y[n,c,i,j] = max over x[n,c,2i..2i+1,2j..2j+1].
/// The forward stores argmax[n,c,i,j], the flat index into x of the maximum (the first in row-major
/// window order on ties), which is all the backward needs.
/// Gradient rule: dInput is assigned (=) everywhere, zero where an element is no window's maximum.
/// </summary>
public static class MaxPool2d
{
    // x: (N, C, H, W)  y: (N, C, H/2, W/2)  argmax: (N, C, H/2, W/2) flat indices into x
    public static void MaxPool2dForward(ArrayView<float> output, ArrayView<int> argmax, ArrayView<float> input,
        MaxPool2dShape s)
    {
        for (var i = GridStride.Start; i < s.OutputLength; i += GridStride.Step)
        {
            var ow = i % s.OutWidth;
            var oh = i / s.OutWidth % s.OutHeight;
            var plane = i / (s.OutWidth * s.OutHeight);
            var first = (plane * s.Height + 2 * oh) * s.Width + 2 * ow;
            var best = first;
            var max = input[first];
            // Strictly greater: the first maximum in the order (0,0), (0,1), (1,0), (1,1) wins.
            if (input[first + 1] > max) { best = first + 1; max = input[best]; }
            if (input[first + s.Width] > max) { best = first + s.Width; max = input[best]; }
            if (input[first + s.Width + 1] > max) { best = first + s.Width + 1; max = input[best]; }
            output[i] = max;
            argmax[i] = best;
        }
    }

    // dy: (N, C, H/2, W/2)  argmax: (N, C, H/2, W/2)  dx: (N, C, H, W)   dx[j] = dy[i] if argmax[i] = j, else 0
    public static void MaxPool2dBackwardInput(ArrayView<float> dInput, ArrayView<float> dOutput, ArrayView<int> argmax,
        MaxPool2dShape s)
    {
        // A gather: each input element finds its one window (if any) and asks whether it was that window's maximum.
        for (var i = GridStride.Start; i < s.InputLength; i += GridStride.Step)
        {
            var w = i % s.Width;
            var h = i / s.Width % s.Height;
            var plane = i / (s.Width * s.Height);
            var oh = h / 2;
            var ow = w / 2;
            var gradient = 0f;
            if (oh < s.OutHeight && ow < s.OutWidth)
            {
                var window = (plane * s.OutHeight + oh) * s.OutWidth + ow;
                if (argmax[window] == i)
                    gradient = dOutput[window];
            }
            dInput[i] = gradient;
        }
    }
}

/// <summary>The max-pooling kernels loaded on one device.</summary>
public sealed class MaxPool2dLaunchers
{
    private readonly ComputeDevice device;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<float>, MaxPool2dShape> forward;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, MaxPool2dShape> backwardInput;

    private MaxPool2dLaunchers(ComputeDevice device)
    {
        this.device = device;
        var a = device.Accelerator;
        forward = a.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<float>, MaxPool2dShape>(MaxPool2d.MaxPool2dForward);
        backwardInput = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<int>, MaxPool2dShape>(MaxPool2d.MaxPool2dBackwardInput);
    }

    public static MaxPool2dLaunchers On(ComputeDevice device) => device.Kernels(static d => new MaxPool2dLaunchers(d));

    public void Forward(ArrayView<float> output, ArrayView<int> argmax, ArrayView<float> input, MaxPool2dShape s) =>
        forward(device.Launch(s.OutputLength), output, argmax, input, s);

    public void BackwardInput(ArrayView<float> dInput, ArrayView<float> dOutput, ArrayView<int> argmax, MaxPool2dShape s) =>
        backwardInput(device.Launch(s.InputLength), dInput, dOutput, argmax, s);
}
