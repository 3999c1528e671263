using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Network.Layers;

namespace IlgpuSiamese.Network;

/// <summary>
/// One tower: an ordered list of layers over parameters registered once in a <see cref="ParameterBlock"/>.
/// Both twins (or all three images of a triplet) run through it as one batch of images, one launch per
/// layer op for the whole batch.
/// </summary>
public sealed class Tower
{
    private readonly ComputeDevice device;

    public TowerSpec Spec { get; }
    public IReadOnlyList<Layer> Layers { get; }
    public int EmbeddingSize => Layers[^1].Output.Length;

    public Tower(ComputeDevice device, TowerSpec spec, ParameterBlock parameters, int seed)
    {
        this.device = device;
        Spec = spec;
        var layers = new List<Layer>();
        var shape = spec.Input;
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var name = $"tower.{i}";
            Layer layer = spec.Layers[i] switch
            {
                ConvSpec conv => new ConvLayer(device, parameters, name, shape, conv,
                    pooled: i + 1 < spec.Layers.Count && spec.Layers[i + 1] is MaxPoolSpec),
                MaxPoolSpec => new MaxPoolLayer(device, shape, afterConv: i > 0 && spec.Layers[i - 1] is ConvSpec),
                DropoutSpec dropout => new DropoutLayer(device, shape, dropout, seed, i),
                GlobalAvgPoolSpec => new GlobalAvgPoolLayer(device, shape),
                DenseSpec dense => new DenseLayer(device, parameters, name, shape, dense),
                var other => throw new NotSupportedException($"layer {other} is not supported"),
            };
            layers.Add(layer);
            shape = layer.Output;
        }
        Layers = layers;
    }

    public Activations CreateActivations(int maxImages) => new(device, Layers, Spec.Input, maxImages);

    public void Forward(Activations activations, int images, int step, bool training)
    {
        for (var i = 0; i < Layers.Count; i++)
            ForwardLayer(i, activations, images, step, training);
    }

    /// <summary>Backward from the gradient already in <see cref="Activations.EmbeddingGradients"/>; parameter gradients add up.</summary>
    public void Backward(Activations activations, int images, int step)
    {
        for (var i = Layers.Count - 1; i >= 0; i--)
            BackwardLayer(i, activations, images, step);
    }

    /// <summary>Layer <paramref name="layer"/>'s forward alone: <see cref="Forward"/> is these in order (a profiler times them one by one).</summary>
    public void ForwardLayer(int layer, Activations activations, int images, int step, bool training) =>
        Layers[layer].Forward(activations.For(layer, images), new Pass(images, step, training));

    /// <summary>Layer <paramref name="layer"/>'s backward alone: <see cref="Backward"/> is these from the last layer to the first.</summary>
    public void BackwardLayer(int layer, Activations activations, int images, int step) =>
        Layers[layer].Backward(activations.For(layer, images), new Pass(images, step, Training: true));
}
