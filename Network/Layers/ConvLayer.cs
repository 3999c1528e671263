using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Network.Layers;

/// <summary>Conv k×k, stride 1, same padding, fused ReLU (Conv2d kernels).</summary>
public sealed class ConvLayer : Layer
{
    private readonly Conv2dLaunchers kernels;
    private readonly Parameter weight, bias;
    private readonly ConvSpec spec;

    public ConvLayer(ComputeDevice device, ParameterBlock parameters, string name, TensorShape input, ConvSpec spec)
        : base(input, input with { Channels = spec.Filters })
    {
        this.spec = spec;
        kernels = Conv2dLaunchers.On(device);
        var taps = spec.Kernel * spec.Kernel;
        weight = parameters.AddWeight($"{name}.weight", spec.Filters * input.Channels * taps, input.Channels * taps, spec.Filters * taps);
        bias = parameters.AddBias($"{name}.bias", spec.Filters);
    }

    private Conv2dShape Shape(int batch) => new(batch, Input.Channels, Input.Height, Input.Width, spec.Filters, spec.Kernel, relu: true);

    public override void Forward(LayerBuffers b, Pass pass) => kernels.Forward(b.Output, b.Input, weight.Value, bias.Value, Shape(pass.Batch));

    public override void Backward(LayerBuffers b, Pass pass)
    {
        var s = Shape(pass.Batch);
        kernels.BackwardWeight(weight.Gradient, b.DOutput, b.Output, b.Input, s);
        kernels.BackwardBias(bias.Gradient, b.DOutput, b.Output, s);
        if (b.DInput.Length > 0)
            kernels.BackwardInput(b.DInput, b.DOutput, b.Output, weight.Value, s);
    }
}
