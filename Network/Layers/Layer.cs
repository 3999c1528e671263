using ILGPU;

namespace IlgpuSiamese.Network.Layers;

/// <summary>Which pass is running: how many images (both twins together), the optimiser step (dropout's key), and whether training.</summary>
public readonly record struct Pass(int Images, int Step, bool Training);

/// <summary>
/// The buffers of one layer for one pass (Saved: what its forward keeps for its backward), and the following
/// layer's output, output gradient and indices (empty after the last layer), for a backward that does the
/// following layer's too (a convolution followed by a max-pool). A layer owns none of them (so one layer object serves every
/// image of the batch, both twins alike); <see cref="Activations"/> owns them. DInput is empty for the first layer.
/// </summary>
public readonly record struct LayerBuffers(
    ArrayView<float> Input,
    ArrayView<float> Output,
    ArrayView<int> Indices,
    ArrayView<float> Saved,
    ArrayView<float> DInput,
    ArrayView<float> DOutput,
    ArrayView<float> NextOutput,
    ArrayView<float> NextDOutput,
    ArrayView<int> NextIndices);

/// <summary>
/// One operation of a tower, tied to its parameters. Forward writes Output; Backward assigns DInput and
/// adds into its parameters' gradients (+=). The twins run as one batch, so the shared weights' gradient
/// sums both twins inside the op's own weight-gradient product.
/// </summary>
public abstract class Layer(TensorShape input, TensorShape output)
{
    public TensorShape Input { get; } = input;
    public TensorShape Output { get; } = output;

    /// <summary>Integers the forward keeps for the backward (max-pool's argmax), per image.</summary>
    public virtual int IndicesPerImage => 0;

    /// <summary>Floats the forward keeps for the backward (the convolution's column matrix), per image.</summary>
    public virtual int SavedPerImage => 0;

    public abstract void Forward(LayerBuffers buffers, Pass pass);

    public abstract void Backward(LayerBuffers buffers, Pass pass);

    /// <summary>The named path its forward takes in this pass (bench --layers prints it); "-" for an op with one way to run.</summary>
    public virtual string ForwardPath(Pass pass) => "-";

    /// <summary>The named paths its backward takes (<paramref name="inputGradient"/>: whether it forms dInput); "-" for an op with one way to run.</summary>
    public virtual string BackwardPath(Pass pass, bool inputGradient) => "-";
}
