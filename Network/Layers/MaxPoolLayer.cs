using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Network.Layers;

/// <summary>
/// Max-pool 2×2, stride 2; the forward keeps each output's argmax for the backward. After a convolution
/// (<paramref name="afterConv"/>) the convolution's backward reads this layer's gradient and argmax directly,
/// and this backward writes nothing (its full-size input gradient would only be read once, by that backward).
/// </summary>
public sealed class MaxPoolLayer(ComputeDevice device, TensorShape input, bool afterConv)
    : Layer(input, input with { Height = input.Height / 2, Width = input.Width / 2 })
{
    private readonly MaxPool2d pool = new MaxPool2d(device);

    public override int IndicesPerImage => Output.Length;

    /// <summary>Whether a convolution precedes it, whose backward then does this one's.</summary>
    public bool AfterConv => afterConv;

    private MaxPool2dShape Shape(Pass pass) => new(pass.Images, Input.Channels, Input.Height, Input.Width);

    public override void Forward(LayerBuffers b, Pass pass) => pool.Forward(b.Output, b.Indices, b.Input, Shape(pass));

    public override void Backward(LayerBuffers b, Pass pass)
    {
        if (!afterConv && b.DInput.Length > 0)
            pool.Backward(b.DInput, b.DOutput, b.Indices, Shape(pass));
    }

    public override string BackwardPath(Pass pass, bool inputGradient) => afterConv ? "in the conv's backward" : "-";
}
