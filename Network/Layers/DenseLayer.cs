using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Network.Layers;

/// <summary>Dense over the flattened (C, H, W) input (NCHW is already flat), optional fused ReLU.</summary>
public sealed class DenseLayer : Layer
{
    private readonly DenseLaunchers kernels;
    private readonly Parameter weight, bias;
    private readonly DenseSpec spec;

    public DenseLayer(ComputeDevice device, ParameterBlock parameters, string name, TensorShape input, DenseSpec spec)
        : base(input, new TensorShape(spec.Units, 1, 1))
    {
        this.spec = spec;
        kernels = DenseLaunchers.On(device);
        weight = parameters.AddWeight($"{name}.weight", spec.Units * input.Length, input.Length, spec.Units);
        bias = parameters.AddBias($"{name}.bias", spec.Units);
    }

    private DenseShape Shape(int batch) => new(batch, Input.Length, spec.Units, spec.Relu);

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
