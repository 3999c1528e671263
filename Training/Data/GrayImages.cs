using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace IlgpuSiamese.Training.Data;

/// <summary>Decodes PNG, JPEG and BMP files to square grayscale byte images (ImageSharp), and resizes byte images.</summary>
public static class GrayImages
{
    /// <summary>Images with more pixels are refused from their header, before any decoding (decompression bombs).</summary>
    public const long MaxPixels = 64_000_000;

    private static readonly Configuration Formats = new(new PngConfigurationModule(), new JpegConfigurationModule(), new BmpConfigurationModule());

    /// <summary>The image at <paramref name="path"/> as size x size grayscale bytes, or null and why it could not be read.</summary>
    public static byte[]? TryRead(string path, int size, out string whyNot)
    {
        try
        {
            var info = Image.Identify(Formats, path, out _);
            if (info is null)
            {
                whyNot = "not a PNG, JPEG or BMP image";
                return null;
            }
            if ((long)info.Width * info.Height > MaxPixels)
            {
                whyNot = $"{info.Width}x{info.Height} pixels is more than the {MaxPixels / 1_000_000} megapixels allowed; refused before decoding";
                return null;
            }
            using var image = Image.Load<L8>(Formats, path);
            whyNot = "";
            return Square(image, size);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            whyNot = $"unreadable image: {e.Message}";
            return null;
        }
    }

    /// <summary>A height x width byte image resized to size x size.</summary>
    public static byte[] Resize(ReadOnlySpan<byte> pixels, int height, int width, int size)
    {
        using var image = Image.LoadPixelData<L8>(pixels, width, height);
        return Square(image, size);
    }

    private static byte[] Square(Image<L8> image, int size)
    {
        if (image.Width != size || image.Height != size)
            image.Mutate(x => x.Resize(size, size));
        var pixels = new byte[size * size];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }
}
