using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using IlgpuSiamese.Kernels;
using IlgpuSiamese.Network;

namespace IlgpuSiamese.Training.Data;

/// <summary>Whether to invert an image to light-on-dark: auto inverts when its border is light on average.</summary>
public enum InvertMode
{
    Auto,
    Yes,
    No,
}

/// <summary>
/// Decodes PNG, JPEG, BMP, GIF and WebP files to grayscale byte images (ImageSharp): colour becomes its
/// luminance, transparency is laid over white. Stretches them (datasets) or fits them keeping the aspect
/// ratio (images to compare), and resizes byte images.
/// </summary>
public static class GrayImages
{
    /// <summary>Images with more pixels are refused from their header, before any decoding (decompression bombs).</summary>
    public const long MaxPixels = 64_000_000;

    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    private static readonly Configuration Formats = new(new PngConfigurationModule(), new JpegConfigurationModule(),
        new BmpConfigurationModule(), new GifConfigurationModule(), new WebpConfigurationModule());

    public static bool IsImageFile(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>The image files in a folder and its subfolders, in ordinal path order.</summary>
    public static List<string> FilesIn(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(IsImageFile).Order(StringComparer.Ordinal).ToList();

    /// <summary>The image at <paramref name="path"/> stretched to size x size grayscale bytes, or null and why it could not be read.</summary>
    public static byte[]? TryRead(string path, int size, out string whyNot)
    {
        using var image = TryDecode(path, out whyNot);
        return image is null ? null : Square(image, size);
    }

    /// <summary>
    /// The image at <paramref name="path"/> as height x width light-on-dark bytes: scaled to fit keeping its
    /// aspect ratio, inverted as <paramref name="invert"/> says, centred and padded with 0.
    /// </summary>
    public static byte[] ReadFitted(string path, int height, int width, InvertMode invert)
    {
        using var image = TryDecode(path, out var whyNot) ?? throw new UserInputException($"{path}: {whyNot}");
        var scale = Math.Min((double)width / image.Width, (double)height / image.Height);
        var w = Math.Clamp((int)Math.Round(image.Width * scale), 1, width);
        var h = Math.Clamp((int)Math.Round(image.Height * scale), 1, height);
        if (w != image.Width || h != image.Height)
            image.Mutate(x => x.Resize(w, h));
        var content = new byte[w * h];
        image.CopyPixelDataTo(content);
        if (invert == InvertMode.Yes || (invert == InvertMode.Auto && BorderMean(content, h, w) > 127))
            Invert(content);
        var fitted = new byte[height * width];
        var (top, left) = ((height - h) / 2, (width - w) / 2);
        for (var y = 0; y < h; y++)
            content.AsSpan(y * w, w).CopyTo(fitted.AsSpan((top + y) * width + left));
        return fitted;
    }

    /// <summary>Several files read by <see cref="ReadFitted"/>, in order, as one set (a single class named "image").</summary>
    public static LabelledImages ReadFitted(string name, IReadOnlyList<string> paths, int height, int width, InvertMode invert)
    {
        var pixels = new byte[paths.Count * height * width];
        for (var i = 0; i < paths.Count; i++)
            ReadFitted(paths[i], height, width, invert).CopyTo(pixels, i * height * width);
        return new LabelledImages(name, height, width, pixels, new int[paths.Count], ["image"]);
    }

    /// <summary>A height x width byte image resized to size x size.</summary>
    public static byte[] Resize(ReadOnlySpan<byte> pixels, int height, int width, int size)
    {
        using var image = Image.LoadPixelData<L8>(pixels, width, height);
        return Square(image, size);
    }

    /// <summary>The mean of the pixels on the outer edge of a height x width image.</summary>
    public static double BorderMean(ReadOnlySpan<byte> pixels, int height, int width)
    {
        long sum = 0, count = 0;
        for (var y = 0; y < height; y++)
        {
            var row = pixels.Slice(y * width, width);
            if (y == 0 || y == height - 1)
            {
                foreach (var p in row)
                    sum += p;
                count += width;
            }
            else
            {
                sum += row[0] + (width > 1 ? row[^1] : 0);
                count += Math.Min(width, 2);
            }
        }
        return (double)sum / count;
    }

    public static void Invert(Span<byte> pixels)
    {
        for (var k = 0; k < pixels.Length; k++)
            pixels[k] = (byte)(255 - pixels[k]);
    }

    private static Image<L8>? TryDecode(string path, out string whyNot)
    {
        if (!File.Exists(path))
        {
            whyNot = "no such image file";
            return null;
        }
        try
        {
            var info = Image.Identify(Formats, path, out _);
            if (info is null)
            {
                whyNot = "not a PNG, JPEG, BMP, GIF or WebP image";
                return null;
            }
            if ((long)info.Width * info.Height > MaxPixels)
            {
                whyNot = $"{info.Width}x{info.Height} pixels is more than the {MaxPixels / 1_000_000} megapixels allowed; refused before decoding";
                return null;
            }
            using var colour = Image.Load<Rgba32>(Formats, path);
            colour.Mutate(x => x.BackgroundColor(Color.White));
            whyNot = "";
            return colour.CloneAs<L8>();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            whyNot = $"unreadable image: {e.Message}";
            return null;
        }
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
