using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>x: (N, C, H, W)  y: (N, C)</summary>
public readonly struct GlobalAvgPoolShape(int batch, int channels, int height, int width)
{
    public readonly int Batch = batch;
    public readonly int Channels = channels;
    public readonly int Height = height;
    public readonly int Width = width;

    public int Area => Height * Width;
    public int InputLength => Batch * Channels * Height * Width;
    public int OutputLength => Batch * Channels;
}

/// <summary>
/// Global average pooling: y[n,c] = (1/HW) Σ_h Σ_w x[n,c,h,w], summed by one thread in row-major order
/// (a fixed order, so every backend repeats its bits). Gradient rule: dInput is assigned (=).
/// </summary>
public static class GlobalAvgPool
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

/// <summary>The global-average-pooling kernels loaded on one device.</summary>
public sealed class GlobalAvgPoolLaunchers
{
    private readonly ComputeDevice device;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, GlobalAvgPoolShape> forward;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, GlobalAvgPoolShape> backwardInput;

    private GlobalAvgPoolLaunchers(ComputeDevice device)
    {
        this.device = device;
        var a = device.Accelerator;
        forward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, GlobalAvgPoolShape>(GlobalAvgPool.GlobalAvgPoolForward);
        backwardInput = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, GlobalAvgPoolShape>(GlobalAvgPool.GlobalAvgPoolBackwardInput);
    }

    public static GlobalAvgPoolLaunchers On(ComputeDevice device) => device.Kernels(static d => new GlobalAvgPoolLaunchers(d));

    public void Forward(ArrayView<float> output, ArrayView<float> input, GlobalAvgPoolShape s) =>
        forward(device.Launch(s.OutputLength), output, input, s);

    public void BackwardInput(ArrayView<float> dInput, ArrayView<float> dOutput, GlobalAvgPoolShape s) =>
        backwardInput(device.Launch(s.InputLength), dInput, dOutput, s);
}
