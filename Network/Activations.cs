using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Network.Layers;

namespace IlgpuSiamese.Network;

/// <summary>
/// The tower's buffers for one batch of images: the input images, every layer's output (and argmax, and what
/// its forward keeps for its backward), and
/// the gradient of every activation. The twins (or triplets) of a step are one batch: images [0, n) are
/// the first of each example, [n, 2n) the second, [2n, 3n) the third. Allocated once for the largest
/// batch; a pass uses a prefix of each buffer.
/// </summary>
public sealed class Activations : IDisposable
{
    private readonly List<IDisposable> buffers = [];
    private readonly ArrayView<float> input;
    private readonly ArrayView<float>[] outputs;
    private readonly ArrayView<float>[] gradients;
    private readonly ArrayView<int>[] indices;
    private readonly ArrayView<float>[] saved;

    public int MaxImages { get; }

    internal Activations(ComputeDevice device, IReadOnlyList<Layer> layers, TensorShape inputShape, int maxImages)
    {
        MaxImages = maxImages;
        input = Floats(device, inputShape.Length);
        outputs = layers.Select(l => Floats(device, l.Output.Length)).ToArray();
        gradients = layers.Select(l => Floats(device, l.Output.Length)).ToArray();
        indices = layers.Select(l => Ints(device, l.IndicesPerImage)).ToArray();
        saved = layers.Select(l => l.SavedPerImage == 0 ? ArrayView<float>.Empty : Floats(device, l.SavedPerImage)).ToArray();
    }

    /// <summary>The first <paramref name="images"/> input images, (images, C, H, W).</summary>
    public ArrayView<float> Inputs(int images) => Prefix(input, images);

    /// <summary>The tower's output for the first <paramref name="images"/> images.</summary>
    public ArrayView<float> Embeddings(int images) => Prefix(outputs[^1], images);

    /// <summary>Where the head writes dLoss/dEmbedding before the tower's backward.</summary>
    public ArrayView<float> EmbeddingGradients(int images) => Prefix(gradients[^1], images);

    /// <summary>Layer <paramref name="layer"/>'s output for the first <paramref name="images"/> images.</summary>
    public ArrayView<float> Output(int layer, int images) => Prefix(outputs[layer], images);

    internal LayerBuffers For(int layer, int images)
    {
        var last = layer == outputs.Length - 1;
        return new(
            layer == 0 ? Inputs(images) : Prefix(outputs[layer - 1], images),
            Prefix(outputs[layer], images),
            Prefix(indices[layer], images),
            Prefix(saved[layer], images),
            layer == 0 ? ArrayView<float>.Empty : Prefix(gradients[layer - 1], images),
            Prefix(gradients[layer], images),
            last ? ArrayView<float>.Empty : Prefix(outputs[layer + 1], images),
            last ? ArrayView<float>.Empty : Prefix(gradients[layer + 1], images),
            last ? ArrayView<int>.Empty : Prefix(indices[layer + 1], images));
    }

    private ArrayView<T> Prefix<T>(ArrayView<T> view, int images) where T : unmanaged
    {
        if (images > MaxImages)
            throw new ArgumentOutOfRangeException(nameof(images), $"{images} images; the buffers hold {MaxImages}");
        return view.Length == 0 ? view : view.SubView(0, view.Length / MaxImages * images);
    }

    private ArrayView<float> Floats(ComputeDevice device, int perImage)
    {
        var buffer = device.Allocate((long)perImage * MaxImages);
        buffers.Add(buffer);
        return buffer.View;
    }

    private ArrayView<int> Ints(ComputeDevice device, int perImage)
    {
        if (perImage == 0)
            return ArrayView<int>.Empty;
        var buffer = device.AllocateInt((long)perImage * MaxImages);
        buffers.Add(buffer);
        return buffer.View;
    }

    public void Dispose()
    {
        foreach (var buffer in buffers)
            buffer.Dispose();
    }
}
