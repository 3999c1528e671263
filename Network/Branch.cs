using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Network.Layers;

namespace IlgpuSiamese.Network;

/// <summary>
/// The activations of one twin branch: its input images, every layer's output (and argmax), and the
/// gradient of every activation. Allocated once for the largest batch; a step uses a prefix of each.
/// </summary>
public sealed class Branch : IDisposable
{
    private readonly List<IDisposable> buffers = [];
    private readonly ArrayView<float>[] activations;
    private readonly ArrayView<float>[] gradients;
    private readonly ArrayView<int>[] indices;

    public int Index { get; }
    public int MaxBatch { get; }
    public ArrayView<float> Input { get; }

    internal Branch(ComputeDevice device, IReadOnlyList<Layer> layers, TensorShape input, int maxBatch, int index)
    {
        Index = index;
        MaxBatch = maxBatch;
        Input = Floats(device, input.Length);
        activations = layers.Select(l => Floats(device, l.Output.Length)).ToArray();
        gradients = layers.Select(l => Floats(device, l.Output.Length)).ToArray();
        indices = layers.Select(l => Ints(device, l.IndicesPerImage)).ToArray();
    }

    /// <summary>The tower's output for the first <paramref name="batch"/> images.</summary>
    public ArrayView<float> Embedding(int batch) => Prefix(activations[^1], batch);

    /// <summary>Where the head writes dLoss/dEmbedding before the tower's backward.</summary>
    public ArrayView<float> EmbeddingGradient(int batch) => Prefix(gradients[^1], batch);

    public ArrayView<float> InputBatch(int batch) => Prefix(Input, batch);

    internal LayerBuffers For(int layer, int batch) => new(
        layer == 0 ? InputBatch(batch) : Prefix(activations[layer - 1], batch),
        Prefix(activations[layer], batch),
        Prefix(indices[layer], batch),
        layer == 0 ? ArrayView<float>.Empty : Prefix(gradients[layer - 1], batch),
        Prefix(gradients[layer], batch));

    private ArrayView<T> Prefix<T>(ArrayView<T> view, int batch) where T : unmanaged =>
        view.Length == 0 ? view : view.SubView(0, view.Length / MaxBatch * batch);

    private ArrayView<float> Floats(ComputeDevice device, int perImage)
    {
        var buffer = device.Allocate((long)perImage * MaxBatch);
        buffers.Add(buffer);
        return buffer.View;
    }

    private ArrayView<int> Ints(ComputeDevice device, int perImage)
    {
        if (perImage == 0)
            return ArrayView<int>.Empty;
        var buffer = device.AllocateInt((long)perImage * MaxBatch);
        buffers.Add(buffer);
        return buffer.View;
    }

    public void Dispose()
    {
        foreach (var buffer in buffers)
            buffer.Dispose();
    }
}
