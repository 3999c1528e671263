using ILGPU;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>x: (N, C, H, W)  y: (N, C, H/2, W/2) rounded down: 2×2 windows, stride 2; an odd last row/column is dropped.</summary>
public readonly struct MaxPool2dShape(int batch, int channels, int height, int width)
{
    public readonly int Batch = batch;
    public readonly int Channels = channels;
    public readonly int Height = height;
    public readonly int Width = width;

    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int OutHeight => Height / 2;
    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int OutWidth => Width / 2;
    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int InputLength => Batch * Channels * Height * Width;
    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int OutputLength => Batch * Channels * OutHeight * OutWidth;
}

/// <summary>
/// Max pooling, 2×2 windows, stride 2: y[n,c,i,j] = max over x[n,c,2i..2i+1,2j..2j+1].
/// The forward stores argmax[n,c,i,j], the flat index into x of the maximum (the first in row-major
/// window order on ties), which is all the backward needs.
/// Gradient rule: dInput is assigned (=) everywhere, zero where an element is no window's maximum.
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static class MaxPool2dKernels
{
    // Each work item handles one row (of outputs forward, of inputs backward): integer divisions cost tens
    // of cycles on a CPU, so they are paid per row, not per element.

    // x: (N, C, H, W)  y: (N, C, H/2, W/2)  argmax: (N, C, H/2, W/2) flat indices into x
    public static void MaxPool2dForward(ArrayView<float> output, ArrayView<int> argmax, ArrayView<float> input,
        MaxPool2dShape s)
    {
        var rows = s.Batch * s.Channels * s.OutHeight;
        for (var r = GridStride.Start; r < rows; r += GridStride.Step)
        {
            var oh = r % s.OutHeight;
            var plane = r / s.OutHeight;
            var rowStart = (plane * s.Height + 2 * oh) * s.Width;
            for (var ow = 0; ow < s.OutWidth; ow++)
            {
                var first = rowStart + 2 * ow;
                var best = first;
                var max = input[first];
                // Strictly greater: the first maximum in the order (0,0), (0,1), (1,0), (1,1) wins.
                if (input[first + 1] > max) { best = first + 1; max = input[best]; }
                if (input[first + s.Width] > max) { best = first + s.Width; max = input[best]; }
                if (input[first + s.Width + 1] > max) { best = first + s.Width + 1; max = input[best]; }
                output[r * s.OutWidth + ow] = max;
                argmax[r * s.OutWidth + ow] = best;
            }
        }
    }

    // dy: (N, C, H/2, W/2)  argmax: (N, C, H/2, W/2)  dx: (N, C, H, W)   dx[j] = dy[i] if argmax[i] = j, else 0
    public static void MaxPool2dBackwardInput(ArrayView<float> dInput, ArrayView<float> dOutput, ArrayView<int> argmax,
        MaxPool2dShape s)
    {
        // A gather: each input element asks whether it was its window's maximum. Per input row, the windows
        // are walked in order and each writes its two columns, so no element pays a division.
        var rows = s.Batch * s.Channels * s.Height;
        for (var r = GridStride.Start; r < rows; r += GridStride.Step)
        {
            var h = r % s.Height;
            var plane = r / s.Height;
            var oh = h / 2;
            var rowStart = r * s.Width;
            var inWindows = oh < s.OutHeight;
            var windows = (plane * s.OutHeight + oh) * s.OutWidth;
            var covered = inWindows ? 2 * s.OutWidth : 0;
            for (var ow = 0; ow < covered / 2; ow++)
            {
                var best = argmax[windows + ow];
                var gradient = dOutput[windows + ow];
                var left = rowStart + 2 * ow;
                dInput[left] = best == left ? gradient : 0f;
                dInput[left + 1] = best == left + 1 ? gradient : 0f;
            }
            for (var w = covered; w < s.Width; w++)
                dInput[rowStart + w] = 0f;
        }
    }
}
// Stryker restore all

/// <summary>Max pooling on one device.</summary>
public sealed class MaxPool2d(ComputeDevice device)
{
    // x: (N, C, H, W)  y, argmax: (N, C, H/2, W/2)
    public void Forward(ArrayView<float> output, ArrayView<int> argmax, ArrayView<float> input, MaxPool2dShape s) =>
        device.Run(MaxPool2dKernels.MaxPool2dForward, device.Launch((long)s.Batch * s.Channels * s.OutHeight), output, argmax, input, s);

    // dy, argmax: (N, C, H/2, W/2)  dx: (N, C, H, W)
    public void Backward(ArrayView<float> dInput, ArrayView<float> dOutput, ArrayView<int> argmax, MaxPool2dShape s) =>
        device.Run(MaxPool2dKernels.MaxPool2dBackwardInput, device.Launch((long)s.Batch * s.Channels * s.Height), dInput, dOutput, argmax, s);
}
