using ILGPU;

namespace IlgpuSiamese.Network.Layers;

/// <summary>Which pass is running: the batch size, the optimiser step and branch (for dropout's key), and whether training.</summary>
public readonly record struct Pass(int Batch, int Step, int Branch, bool Training);

/// <summary>
/// The buffers of one layer in one branch. A layer owns none of them (so both twin branches share the
/// layer object and its parameters); the branch owns them. DInput is empty for the first layer.
/// </summary>
public readonly record struct LayerBuffers(
    ArrayView<float> Input,
    ArrayView<float> Output,
    ArrayView<int> Indices,
    ArrayView<float> DInput,
    ArrayView<float> DOutput);

/// <summary>
/// One operation of a tower. Forward writes Output; Backward assigns DInput and adds into its
/// parameters' gradients (+=), which is what sums a shared weight's gradient over both branches.
/// </summary>
public abstract class Layer(TensorShape input, TensorShape output)
{
    public TensorShape Input { get; } = input;
    public TensorShape Output { get; } = output;

    /// <summary>Integers the forward keeps for the backward (max-pool's argmax), per image.</summary>
    public virtual int IndicesPerImage => 0;

    public abstract void Forward(LayerBuffers buffers, Pass pass);

    public abstract void Backward(LayerBuffers buffers, Pass pass);
}
