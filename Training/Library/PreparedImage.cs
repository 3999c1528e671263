using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Data;
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

    /// <summary>The images as one set of height x width images, as the engine (and the compare figure) takes them; refuses another size by name.</summary>
    internal static LabelledImages Stack(IReadOnlyList<PreparedImage> images, int height, int width)
    {
        var size = height * width;
        var pixels = new byte[images.Count * size];
        for (var i = 0; i < images.Count; i++)
        {
            if (images[i].Height != height || images[i].Width != width)
                throw new UserInputException($"{images[i].Name}: prepared as {images[i].Height}x{images[i].Width}, the model takes {height}x{width}");
            images[i].pixels.CopyTo(pixels.AsSpan(i * size, size));
        }
        return new LabelledImages("images", height, width, pixels, new int[images.Count], ["image"]);
    }

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
