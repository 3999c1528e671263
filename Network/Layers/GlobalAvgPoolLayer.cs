using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Network.Layers;

/// <summary>Global average pooling, (C, H, W) → (C, 1, 1).</summary>
public sealed class GlobalAvgPoolLayer(ComputeDevice device, TensorShape input)
    : Layer(input, new TensorShape(input.Channels, 1, 1))
{
    private readonly GlobalAvgPoolLaunchers kernels = GlobalAvgPoolLaunchers.On(device);

    private GlobalAvgPoolShape Shape(int batch) => new(batch, Input.Channels, Input.Height, Input.Width);

    public override void Forward(LayerBuffers b, Pass pass) => kernels.Forward(b.Output, b.Input, Shape(pass.Batch));

    public override void Backward(LayerBuffers b, Pass pass)
    {
        if (b.DInput.Length > 0)
            kernels.BackwardInput(b.DInput, b.DOutput, Shape(pass.Batch));
    }
}
