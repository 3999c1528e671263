using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Network.Layers;

/// <summary>
/// Inverted dropout. The mask is a hash of (seed, step, element) with the seed mixing the run seed,
/// the layer and the branch, so forward and backward agree, branches differ, and runs repeat.
/// Outside training the rate is 0: the kernel copies.
/// </summary>
public sealed class DropoutLayer(ComputeDevice device, TensorShape input, DropoutSpec spec, uint layerSeed) : Layer(input, input)
{
    private readonly DropoutLaunchers kernels = DropoutLaunchers.On(device);

    private DropoutShape Shape(Pass pass) => new(pass.Batch * Input.Length, pass.Training ? spec.Rate : 0f,
        layerSeed ^ (0x9E3779B9u * (uint)(pass.Branch + 1)), pass.Step);

    public override void Forward(LayerBuffers b, Pass pass) => kernels.Forward(b.Output, b.Input, Shape(pass));

    public override void Backward(LayerBuffers b, Pass pass)
    {
        if (b.DInput.Length > 0)
            kernels.BackwardInput(b.DInput, b.DOutput, Shape(pass));
    }
}
