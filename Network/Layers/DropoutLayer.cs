using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Network.Layers;

/// <summary>
/// Inverted dropout. The mask is a hash of (seed, step, element) with the seed mixing the run seed,
/// the layer and the branch, so forward and backward agree, branches differ, and runs repeat.
/// Outside training the rate is 0: the kernel copies.
/// </summary>
public sealed class DropoutLayer(ComputeDevice device, TensorShape input, DropoutSpec spec, int runSeed, int layer) : Layer(input, input)
{
    private readonly DropoutLaunchers kernels = DropoutLaunchers.On(device);

    /// <summary>The mask's key for one layer in one branch of a run (odd multipliers keep the map one-to-one per term).</summary>
    public static uint MaskSeed(int runSeed, int layer, int branch) =>
        (uint)runSeed * 0x9E3779B1u + (uint)(layer + 1) * 0x85EBCA77u + (uint)(branch + 1) * 0xC2B2AE3Du;

    private DropoutShape Shape(Pass pass) => new(pass.Batch * Input.Length, pass.Training ? spec.Rate : 0f,
        MaskSeed(runSeed, layer, pass.Branch), pass.Step);

    public override void Forward(LayerBuffers b, Pass pass) => kernels.Forward(b.Output, b.Input, Shape(pass));

    public override void Backward(LayerBuffers b, Pass pass)
    {
        if (b.DInput.Length > 0)
            kernels.BackwardInput(b.DInput, b.DOutput, Shape(pass));
    }
}
