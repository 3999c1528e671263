namespace IlgpuSiamese.Training.Data;

/// <summary>
/// Grayscale images of one size with a class label each. Pixels are row-major bytes, one image after
/// another, 0 = background (light-on-dark, like MNIST).
/// </summary>
public sealed class LabelledImages
{
    public LabelledImages(string name, int height, int width, byte[] pixels, int[] labels, IReadOnlyList<string> classNames)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if (pixels.LongLength != (long)labels.Length * height * width)
            throw new ArgumentException($"{pixels.Length} pixels do not hold {labels.Length} images of {height}x{width}", nameof(pixels));
        if (labels.Any(l => l < 0 || l >= classNames.Count))
            throw new ArgumentException($"a label is outside 0..{classNames.Count - 1}", nameof(labels));
        Name = name;
        Height = height;
        Width = width;
        Pixels = pixels;
        Labels = labels;
        ClassNames = classNames;
    }

    public string Name { get; }
    public int Count => Labels.Length;
    public int Height { get; }
    public int Width { get; }
    public byte[] Pixels { get; }
    public int[] Labels { get; }
    public int ClassCount => ClassNames.Count;
    public IReadOnlyList<string> ClassNames { get; }

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * Height * Width, Height * Width);
}
