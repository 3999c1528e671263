using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace IlgpuSiamese;

/// <summary>An image as the model sees it: <see cref="Height"/> x <see cref="Width"/> bytes, light ink on a dark ground.</summary>
public sealed class PreparedImage
{
    internal PreparedImage(string name, int height, int width, byte[] pixels) => (Name, Height, Width, this.pixels) = (name, height, width, pixels);

    private readonly byte[] pixels;

    /// <summary>The name of the image it was prepared from.</summary>
    public string Name { get; }

    /// <summary>Rows.</summary>
    public int Height { get; }

    /// <summary>Pixels in a row.</summary>
    public int Width { get; }

    /// <summary>The pixels, row-major, 0 for the ground and 255 for full ink.</summary>
    public ReadOnlySpan<byte> Pixels => pixels;

    /// <summary>The prepared image as a PNG file's bytes, to show what the model compared.</summary>
    public byte[] ToPng()
    {
        using var image = Image.LoadPixelData<L8>(pixels, Width, Height);
        using var png = new MemoryStream();
        // Fastest deflate: a 28x28 image is a few hundred bytes whatever the level, and the server encodes two per request.
        image.SaveAsPng(png, new PngEncoder { CompressionLevel = PngCompressionLevel.BestSpeed });
        return png.ToArray();
    }
}
