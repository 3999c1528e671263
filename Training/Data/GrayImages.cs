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
using IlgpuSiamese.Training.Storage;

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
/// luminance, transparency is laid over white. Prepares them as a model's inputs (<see cref="ImagePreparation"/>:
/// MNIST-style, fitted keeping the aspect ratio, or stretched), and resizes byte images.
/// </summary>
public static class GrayImages
{
    /// <summary>Images with more pixels are refused from their header, before any decoding (decompression bombs).</summary>
    public const long MaxPixels = 64_000_000;

    /// <summary>Why a file that is none of the formats read is refused; the server answers it with 415.</summary>
    public const string NotAnImage = "not a PNG, JPEG, BMP, GIF or WebP image";

    /// <summary>The words in the refusal of an image over <see cref="MaxPixels"/>; the server answers it with 413.</summary>
    public const string PixelLimitWords = "megapixels allowed";

    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    private static readonly Configuration Formats = new(new PngConfigurationModule(), new JpegConfigurationModule(),
        new BmpConfigurationModule(), new GifConfigurationModule(), new WebpConfigurationModule());

    public static bool IsImageFile(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>The image files in a folder and its subfolders, in ordinal path order.</summary>
    public static List<string> FilesIn(string folder) =>
        StorageException.Guard(folder, "list its images", () =>
            Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(IsImageFile).Order(StringComparer.Ordinal).ToList());

    /// <summary>
    /// The image at <paramref name="path"/> prepared as <see cref="Read(string, int, int, ImagePreparation, InvertMode)"/> does, or null and
    /// why it could not be read or holds no ink (<see cref="Ink"/>: on the side <paramref name="invert"/> says for MNIST-style, either side otherwise).
    /// </summary>
    public static byte[]? TryRead(string path, int height, int width, ImagePreparation preparation, InvertMode invert, out string whyNot)
    {
        if (!File.Exists(path))
        {
            whyNot = "no such image file";
            return null;
        }
        return TryRead(() => File.OpenRead(path), height, width, preparation, invert, out whyNot);
    }

    /// <summary>An encoded image held in memory (an upload, a stream's bytes), prepared as a file would be.</summary>
    public static byte[]? TryRead(byte[] encoded, int height, int width, ImagePreparation preparation, InvertMode invert, out string whyNot) =>
        TryRead(() => new MemoryStream(encoded, writable: false), height, width, preparation, invert, out whyNot);

    /// <summary>
    /// Raw 8-bit grayscale pixels, <paramref name="sourceHeight"/> rows of <paramref name="sourceWidth"/>, prepared as a
    /// decoded file would be; null and why when the size does not match or there is no ink.
    /// </summary>
    public static byte[]? TryPrepare(byte[] gray, int sourceHeight, int sourceWidth, int height, int width, ImagePreparation preparation, InvertMode invert, out string whyNot)
    {
        if (sourceHeight < 1 || sourceWidth < 1 || (long)sourceHeight * sourceWidth != gray.Length)
        {
            whyNot = $"{gray.Length:N0} pixels do not make a {sourceWidth}x{sourceHeight} image";
            return null;
        }
        if ((long)sourceWidth * sourceHeight > MaxPixels)
        {
            whyNot = $"{sourceWidth}x{sourceHeight} pixels is more than the {MaxPixels / 1_000_000} {PixelLimitWords}";
            return null;
        }
        using var image = Image.LoadPixelData<L8>(gray, sourceWidth, sourceHeight);
        return TryPrepare(image, height, width, preparation, invert, out whyNot);
    }

    private static byte[]? TryRead(Func<Stream> open, int height, int width, ImagePreparation preparation, InvertMode invert, out string whyNot)
    {
        using var image = TryDecode(open, out whyNot);
        return image is null ? null : TryPrepare(image, height, width, preparation, invert, out whyNot);
    }

    private static byte[]? TryPrepare(Image<L8> image, int height, int width, ImagePreparation preparation, InvertMode invert, out string whyNot)
    {
        var pixels = new byte[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        if (Ink.WhyNone(pixels, image.Height, image.Width, preparation == ImagePreparation.Mnist ? invert : InvertMode.Auto) is { } noInk)
        {
            whyNot = noInk;
            return null;
        }
        var prepared = Prepare(image, height, width, preparation, invert);
        whyNot = prepared is null ? NothingLeft : "";
        return prepared;
    }

    /// <summary>Why an MNIST-style image with ink gives no input: all of its ink was taken for paper, rules or specks.</summary>
    public const string NothingLeft =
        "no ink: once the paper's light is evened out and ruled lines, specks and pieces cut off at the edge are dropped, no digit is left";

    /// <summary>
    /// The image at <paramref name="path"/> as height x width light-on-dark bytes, prepared as <paramref name="preparation"/>
    /// says and inverted as <paramref name="invert"/> says (auto: when it is dark on light, see <see cref="IsDarkOnLight"/>).
    /// </summary>
    public static byte[] Read(string path, int height, int width, ImagePreparation preparation, InvertMode invert) =>
        TryRead(path, height, width, preparation, invert, out var whyNot) ?? throw new UserInputException($"{path}: {whyNot}");

    /// <summary>Several files read by <see cref="Read(string, int, int, ImagePreparation, InvertMode)"/>, in order, as one set (a single class named "image").</summary>
    public static LabelledImages Read(string name, IReadOnlyList<string> paths, int height, int width, ImagePreparation preparation, InvertMode invert)
    {
        var pixels = new byte[paths.Count * height * width];
        for (var i = 0; i < paths.Count; i++)
            Read(paths[i], height, width, preparation, invert).CopyTo(pixels, i * height * width);
        return new LabelledImages(name, height, width, pixels, new int[paths.Count], ["image"]);
    }

    /// <summary>Whether an image is dark ink on light paper: its border's median is above the middle of its darkest and lightest pixel.</summary>
    public static bool IsDarkOnLight(ReadOnlySpan<byte> pixels, int height, int width)
    {
        byte darkest = 255, lightest = 0;
        foreach (var p in pixels)
            (darkest, lightest) = (Math.Min(darkest, p), Math.Max(lightest, p));
        return BorderMedian(pixels, height, width) * 2 > darkest + lightest;
    }

    private static byte[]? Prepare(Image<L8> image, int height, int width, ImagePreparation preparation, InvertMode invert)
    {
        var pixels = new byte[image.Width * image.Height];
        image.CopyPixelDataTo(pixels);
        var darkOnLight = invert == InvertMode.Yes || (invert == InvertMode.Auto && IsDarkOnLight(pixels, image.Height, image.Width));
        if (preparation == ImagePreparation.Mnist)
            return MnistStyle.Prepare(pixels, image.Height, image.Width, darkOnLight, height, width);
        if (preparation == ImagePreparation.Fit)
            return Fit(image, height, width, darkOnLight);
        var stretched = Resized(image, height, width);
        if (darkOnLight)
            Invert(stretched);
        return stretched;
    }

    /// <summary>A height x width byte image resized to size x size.</summary>
    public static byte[] Resize(ReadOnlySpan<byte> pixels, int height, int width, int size)
    {
        using var image = Image.LoadPixelData<L8>(pixels, width, height);
        return Resized(image, size, size);
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

    /// <summary>The median of the pixels on the outer edge of a height x width image.</summary>
    public static byte BorderMedian(ReadOnlySpan<byte> pixels, int height, int width)
    {
        var counts = new int[256];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            if (y == 0 || y == height - 1 || x == 0 || x == width - 1)
                counts[pixels[y * width + x]]++;
        }
        var half = (counts.Sum() + 1) / 2;
        var value = 0;
        for (var seen = counts[0]; seen < half; seen += counts[++value]) { }
        return (byte)value;
    }

    public static void Invert(Span<byte> pixels)
    {
        for (var k = 0; k < pixels.Length; k++)
            pixels[k] = (byte)(255 - pixels[k]);
    }

    private static Image<L8>? TryDecode(Func<Stream> open, out string whyNot)
    {
        try
        {
            using var stream = open();
            var info = Image.Identify(Formats, stream, out _);
            if (info is null)
            {
                whyNot = NotAnImage;
                return null;
            }
            if ((long)info.Width * info.Height > MaxPixels)
            {
                whyNot = $"{info.Width}x{info.Height} pixels is more than the {MaxPixels / 1_000_000} {PixelLimitWords}; refused before decoding";
                return null;
            }
            stream.Position = 0;
            using var colour = Image.Load<Rgba32>(Formats, stream);
            // Laying an opaque image over white changes no pixel, and the blend is most of a small image's decoding time.
            if (!IsOpaque(colour))
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

    private static bool IsOpaque(Image<Rgba32> image)
    {
        var opaque = true;
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height && opaque; y++)
            {
                foreach (var pixel in rows.GetRowSpan(y))
                    opaque &= pixel.A == byte.MaxValue;
            }
        });
        return opaque;
    }

    /// <summary>The image scaled to fit height x width keeping its aspect ratio, inverted when dark on light, centred and padded with 0.</summary>
    private static byte[] Fit(Image<L8> image, int height, int width, bool darkOnLight)
    {
        var scale = Math.Min((double)width / image.Width, (double)height / image.Height);
        var w = Math.Clamp((int)Math.Round(image.Width * scale), 1, width);
        var h = Math.Clamp((int)Math.Round(image.Height * scale), 1, height);
        var content = Resized(image, h, w);
        if (darkOnLight)
            Invert(content);
        var fitted = new byte[height * width];
        var (top, left) = ((height - h) / 2, (width - w) / 2);
        for (var y = 0; y < h; y++)
            content.AsSpan(y * w, w).CopyTo(fitted.AsSpan((top + y) * width + left));
        return fitted;
    }

    private static byte[] Resized(Image<L8> image, int height, int width)
    {
        if (image.Width != width || image.Height != height)
            image.Mutate(x => x.Resize(width, height));
        var pixels = new byte[height * width];
        image.CopyPixelDataTo(pixels);
        return pixels;
    }
}
