using ILGPU;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>x: (N, C, H, W)  y: (N, C)</summary>
public readonly struct GlobalAvgPoolShape(int batch, int channels, int height, int width)
{
    public readonly int Batch = batch;
    public readonly int Channels = channels;
    public readonly int Height = height;
    public readonly int Width = width;

    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int Area => Height * Width;
    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int InputLength => Batch * Channels * Height * Width;
    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int OutputLength => Batch * Channels;
}

/// <summary>
/// Global average pooling: y[n,c] = (1/HW) Σ_h Σ_w x[n,c,h,w], summed by one thread in row-major order
/// (a fixed order, so every backend repeats its bits). Gradient rule: dInput is assigned (=).
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static class GlobalAvgPoolKernels
{
    // x: (N, C, H, W)  y: (N, C)
    public static void GlobalAvgPoolForward(ArrayView<float> output, ArrayView<float> input, GlobalAvgPoolShape s)
    {
        var area = s.Area;
        for (var i = GridStride.Start; i < s.OutputLength; i += GridStride.Step)
        {
            var plane = i * area;
            var sum = 0f;
            for (var p = 0; p < area; p++)
                sum += input[plane + p];
            output[i] = sum / area;
        }
    }

    // dy: (N, C)  dx: (N, C, H, W)   dx[n,c,h,w] = dy[n,c] / HW
    public static void GlobalAvgPoolBackwardInput(ArrayView<float> dInput, ArrayView<float> dOutput, GlobalAvgPoolShape s)
    {
        var area = s.Area;
        for (var i = GridStride.Start; i < s.InputLength; i += GridStride.Step)
            dInput[i] = dOutput[i / area] / area;
    }
}
// Stryker restore all

/// <summary>Global average pooling on one device.</summary>
public sealed class GlobalAvgPool(ComputeDevice device)
{
    // x: (N, C, H, W)  y: (N, C)
    public void Forward(ArrayView<float> output, ArrayView<float> input, GlobalAvgPoolShape s) =>
        device.Run(GlobalAvgPoolKernels.GlobalAvgPoolForward, device.Launch(s.OutputLength), output, input, s);

    // dy: (N, C)  dx: (N, C, H, W)
    public void Backward(ArrayView<float> dInput, ArrayView<float> dOutput, GlobalAvgPoolShape s) =>
        device.Run(GlobalAvgPoolKernels.GlobalAvgPoolBackwardInput, device.Launch(s.InputLength), dInput, dOutput, s);
}
