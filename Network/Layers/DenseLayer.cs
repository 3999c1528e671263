using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Network.Layers;

/// <summary>Dense over the flattened (C, H, W) input (NCHW is already flat), optional fused ReLU (<see cref="Dense"/>).</summary>
public sealed class DenseLayer : Layer
{
    private readonly Dense dense;
    private readonly Parameter weight, bias;
    private readonly DenseSpec spec;

    public DenseLayer(ComputeDevice device, ParameterBlock parameters, string name, TensorShape input, DenseSpec spec)
        : base(input, new TensorShape(spec.Units, 1, 1))
    {
        this.spec = spec;
        dense = Dense.On(device);
        weight = parameters.AddWeight($"{name}.weight", spec.Units * input.Length, input.Length, spec.Units);
        bias = parameters.AddBias($"{name}.bias", spec.Units);
    }

    private DenseShape Shape(Pass pass) => new(pass.Images, Input.Length, spec.Units, spec.Relu);

    public override void Forward(LayerBuffers b, Pass pass) => dense.Forward(b.Output, b.Input, weight.Value, bias.Value, Shape(pass));

    public override void Backward(LayerBuffers b, Pass pass) =>
        dense.Backward(b.DInput, weight.Gradient, bias.Gradient, b.DOutput, b.Input, b.Output, weight.Value, Shape(pass));

    public override string ForwardPath(Pass pass) => dense.Plan(Shape(pass)).ForwardName;

    public override string BackwardPath(Pass pass, bool inputGradient) => dense.Plan(Shape(pass)).BackwardName(inputGradient);
}
