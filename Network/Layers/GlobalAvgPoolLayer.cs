using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Network.Layers;

/// <summary>Global average pooling, (C, H, W) → (C, 1, 1).</summary>
public sealed class GlobalAvgPoolLayer(ComputeDevice device, TensorShape input)
    : Layer(input, new TensorShape(input.Channels, 1, 1))
{
    private readonly GlobalAvgPool pool = new GlobalAvgPool(device);

    private GlobalAvgPoolShape Shape(Pass pass) => new(pass.Images, Input.Channels, Input.Height, Input.Width);

    public override void Forward(LayerBuffers b, Pass pass) => pool.Forward(b.Output, b.Input, Shape(pass));

    public override void Backward(LayerBuffers b, Pass pass)
    {
        if (b.DInput.Length > 0)
            pool.Backward(b.DInput, b.DOutput, Shape(pass));
    }
}
