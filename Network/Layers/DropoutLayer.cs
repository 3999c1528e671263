using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Network.Layers;

/// <summary>
/// Inverted dropout. The mask is a hash of (seed, step, element) with the seed mixing the run seed and the
/// layer; the element index runs over the whole batch of both twins, so forward and backward agree, every
/// image gets its own mask, and runs repeat. Outside training the rate is 0: the kernel copies.
/// </summary>
public sealed class DropoutLayer(ComputeDevice device, TensorShape input, DropoutSpec spec, int runSeed, int layer) : Layer(input, input)
{
    private readonly Dropout dropout = new Dropout(device);

    /// <summary>The mask's key for one layer of a run (odd multipliers keep the map one-to-one per term).</summary>
    public static uint MaskSeed(int runSeed, int layer) => (uint)runSeed * 0x9E3779B1u + (uint)(layer + 1) * 0x85EBCA77u;

    private DropoutShape Shape(Pass pass) => new(pass.Images * Input.Length, pass.Training ? spec.Rate : 0f, MaskSeed(runSeed, layer), pass.Step);

    public override void Forward(LayerBuffers b, Pass pass) => dropout.Forward(b.Output, b.Input, Shape(pass));

    public override void Backward(LayerBuffers b, Pass pass)
    {
        if (b.DInput.Length > 0)
            dropout.Backward(b.DInput, b.DOutput, Shape(pass));
    }
}
