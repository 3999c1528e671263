namespace IlgpuSiamese.Network;

/// <summary>The largest array a pass allocates and indexes, its length and what it is.</summary>
public readonly record struct LargestArray(long Length, string What)
{
    /// <summary>Kernels index with int: every array must have at most int.MaxValue elements.</summary>
    public bool FitsInt32 => Length <= int.MaxValue;
}

/// <summary>
/// What a tower allocates for a number of images per pass, computed from its spec before anything is
/// allocated: each layer's activations for all images, each conv's im2col matrix (C·K·K) x (images·H·W),
/// and the tower's parameters, which lie in one block (every layer's weights and biases; Adam runs over it whole).
/// Kernels index these with int, so the largest must fit in int32.
/// </summary>
public static class IndexLimits
{
    /// <summary>
    /// Images in one pass through the shared tower: the twin (or triplet) branches run as one batch, so
    /// 2 x <paramref name="pairs"/> images for the pair losses and 3 x for the triplet loss.
    /// </summary>
    public static int ImagesPerPass(LossKind loss, int pairs) => loss.ImagesPerExample() * pairs;

    /// <summary>The output shape of a layer, or null when the layer cannot take this input.</summary>
    public static TensorShape? OutputShape(LayerSpec layer, TensorShape input) => layer switch
    {
        ConvSpec conv => input with { Channels = conv.Filters },
        MaxPoolSpec when input.Height >= 2 && input.Width >= 2 => input with { Height = input.Height / 2, Width = input.Width / 2 },
        DropoutSpec => input,
        GlobalAvgPoolSpec => new TensorShape(input.Channels, 1, 1),
        DenseSpec dense => new TensorShape(dense.Units, 1, 1),
        _ => null,
    };

    /// <summary>The largest array of <paramref name="tower"/> for <paramref name="images"/> images per pass; the tower's shapes must be valid.</summary>
    public static LargestArray Largest(TowerSpec tower, int images)
    {
        var shape = tower.Input;
        var largest = new LargestArray(Length(shape) * images, $"the input batch ({images} images of {shape})");
        var parameters = 0L;
        for (var i = 0; i < tower.Layers.Count; i++)
        {
            var layer = tower.Layers[i];
            var input = shape;
            shape = OutputShape(layer, input) ?? throw new ArgumentException($"layer {i + 1} cannot take a {input} input", nameof(tower));
            var name = $"layer {i + 1} ({layer.GetType().Name.Replace("Spec", "").ToLowerInvariant()})";
            largest = Max(largest, new LargestArray(Length(shape) * images, $"the activations of {name} for {images} images"));
            if (layer is ConvSpec conv)
            {
                long patch = (long)input.Channels * conv.Kernel * conv.Kernel;
                largest = Max(largest, new LargestArray(patch * images * input.Height * input.Width, $"the im2col matrix of {name} for {images} images"));
                parameters += (patch + 1) * conv.Filters;
            }
            else if (layer is DenseSpec dense)
                parameters += (Length(input) + 1) * dense.Units;
        }
        return Max(largest, new LargestArray(parameters, "the tower's parameters (one block: values, gradients, Adam's moments)"));
    }

    private static long Length(TensorShape shape) => (long)shape.Channels * shape.Height * shape.Width;

    private static LargestArray Max(LargestArray a, LargestArray b) => b.Length > a.Length ? b : a;
}
