using IlgpuSiamese.Network;
using IlgpuSiamese.Measuring;

namespace IlgpuSiamese.Benchmarks.Kernels;

/// <summary>One layer of a benchmark tower: its spec and the per-image shapes it maps between.</summary>
public sealed record LayerCase(string Name, LayerSpec Spec, TensorShape Input, TensorShape Output, bool FirstLayer);

/// <summary>
/// The shapes the kernels run at in training, read off the two towers' specs (so a changed preset changes
/// the benchmarks with it). A step runs every tower layer over 64 pairs = 128 images (both branches), the
/// head over 64 pairs, and Adam and the gradient fill over every parameter once.
/// </summary>
public static class KernelCases
{
    public const int Images = 128;
    public const int Pairs = 64;
    public const int ImageSide = 28;
    public const int DatasetImages = 60_000;

    /// <summary>Every layer of both towers, named tower.kindN (keras.conv2, flat.dense1).</summary>
    public static readonly IReadOnlyList<LayerCase> Layers = BenchmarkTowers.All.SelectMany(LayersOf).ToList();

    public static IEnumerable<string> NamesOf<TSpec>() where TSpec : LayerSpec =>
        Layers.Where(l => l.Spec is TSpec).Select(l => l.Name);

    public static LayerCase Layer(string name) =>
        Layers.FirstOrDefault(l => l.Name == name) ?? throw new ArgumentException($"no layer case {name}", nameof(name));

    public static int EmbeddingSize(string tower) => LayersOf(tower).Last().Output.Length;

    /// <summary>Parameters of a tower with its head (BCE adds the head's weight and bias).</summary>
    public static int ParameterCount(string tower)
    {
        var count = 0;
        foreach (var layer in LayersOf(tower))
        {
            count += layer.Spec switch
            {
                ConvSpec c => c.Filters * layer.Input.Channels * c.Kernel * c.Kernel + c.Filters,
                DenseSpec d => d.Units * layer.Input.Length + d.Units,
                _ => 0,
            };
        }
        return count + (BenchmarkTowers.LossOf(tower) == LossKind.Bce ? 2 : 0);
    }

    private static IEnumerable<LayerCase> LayersOf(string tower)
    {
        var spec = BenchmarkTowers.Network(tower).Tower;
        var shape = spec.Input;
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            var layer = spec.Layers[i];
            var (kind, output) = layer switch
            {
                ConvSpec c => ("conv", shape with { Channels = c.Filters }),
                MaxPoolSpec => ("pool", shape with { Height = shape.Height / 2, Width = shape.Width / 2 }),
                DropoutSpec => ("dropout", shape),
                GlobalAvgPoolSpec => ("gap", new TensorShape(shape.Channels, 1, 1)),
                DenseSpec d => ("dense", new TensorShape(d.Units, 1, 1)),
                _ => throw new NotSupportedException($"no benchmark for layer {layer}"),
            };
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
            yield return new LayerCase($"{tower}.{kind}{counts[kind]}", layer, shape, output, i == 0);
            shape = output;
        }
    }
}
