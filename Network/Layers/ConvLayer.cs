using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Network.Layers;

/// <summary>Conv k×k, stride 1, same padding, fused ReLU (<see cref="Conv2d"/>); its column matrix is kept from forward to backward (inference, which has no backward, may not write it).</summary>
public sealed class ConvLayer : Layer
{
    private readonly Conv2d conv;
    private readonly Parameter weight, bias;
    private readonly ConvSpec spec;

    /// <summary>Whether a 2×2 max-pool follows, whose gradient this backward starts from.</summary>
    public bool Pooled { get; }

    /// <param name="device">The accelerator its kernels run on.</param>
    /// <param name="parameters">The block its weight and bias are views into.</param>
    /// <param name="name">Its name in the parameter block and in plans.</param>
    /// <param name="input">The shape of one image it takes.</param>
    /// <param name="spec">Its filters and kernel size.</param>
    /// <param name="pooled">A 2×2 max-pool follows: this backward starts from the pool's gradient, and the pool's own backward does nothing.</param>
    public ConvLayer(ComputeDevice device, ParameterBlock parameters, string name, TensorShape input, ConvSpec spec, bool pooled)
        : base(input, input with { Channels = spec.Filters })
    {
        this.spec = spec;
        Pooled = pooled;
        conv = Conv2d.On(device);
        var taps = spec.Kernel * spec.Kernel;
        weight = parameters.AddWeight($"{name}.weight", spec.Filters * input.Channels * taps, input.Channels * taps, spec.Filters * taps);
        bias = parameters.AddBias($"{name}.bias", spec.Filters);
    }

    public override int SavedPerImage => Input.Channels * spec.Kernel * spec.Kernel * Input.Height * Input.Width;

    /// <summary>The op's plan for a pass of <paramref name="images"/> images: the paths its passes take on this device.</summary>
    public Conv2dPlan Plan(int images) =>
        conv.Plan(new Conv2dShape(images, Input.Channels, Input.Height, Input.Width, spec.Filters, spec.Kernel, relu: true), Pooled);

    public override void Forward(LayerBuffers b, Pass pass)
    {
        if (pass.Training)
            conv.Forward(b.Output, b.Input, weight.Value, bias.Value, b.Saved, Plan(pass.Images));
        else
            conv.Infer(b.Output, b.Input, weight.Value, bias.Value, b.Saved, Plan(pass.Images));
    }

    public override void Backward(LayerBuffers b, Pass pass) =>
        conv.Backward(b.DInput, weight.Gradient, bias.Gradient,
            Pooled ? ConvOutputGradient.ThroughMaxPool(b.NextDOutput, b.NextOutput, b.NextIndices) : ConvOutputGradient.Of(b.DOutput, b.Output),
            b.Saved, weight.Value, Plan(pass.Images));

    public override string ForwardPath(Pass pass) => pass.Training ? Plan(pass.Images).ForwardName : Plan(pass.Images).InferenceName;

    public override string BackwardPath(Pass pass, bool inputGradient) => Plan(pass.Images).BackwardName(inputGradient);
}
