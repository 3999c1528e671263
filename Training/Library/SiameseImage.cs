using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese;

/// <summary>
/// An image to embed or compare: a file, an encoded image in memory (PNG, JPEG, BMP, GIF or WebP, any size), or raw
/// 8-bit grayscale pixels. Nothing is decoded until a <see cref="SiameseModel"/> prepares it.
/// </summary>
public sealed class SiameseImage
{
    private readonly string? path;
    private readonly byte[]? encoded;
    private readonly (byte[] Gray, int Height, int Width)? raw;

    private SiameseImage(string name, string? path, byte[]? encoded, (byte[], int, int)? raw) =>
        (Name, this.path, this.encoded, this.raw) = (name, path, encoded, raw);

    /// <summary>The name errors give for this image: its path, or the name it was given.</summary>
    public string Name { get; }

    /// <summary>The image file at <paramref name="path"/>, read when it is prepared.</summary>
    public static SiameseImage FromFile(string path) => new(path, path, null, null);

    /// <summary>An encoded image (PNG, JPEG, BMP, GIF or WebP) read whole from <paramref name="stream"/> now.</summary>
    /// <param name="stream">The image's bytes; read to its end, not closed.</param>
    /// <param name="name">What errors call it, for example the upload's file name.</param>
    public static SiameseImage FromStream(Stream stream, string name = "stream")
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return FromBytes(copy.ToArray(), name);
    }

    /// <summary>An encoded image (PNG, JPEG, BMP, GIF or WebP) held in memory.</summary>
    /// <param name="encoded">The image file's bytes; kept, not copied.</param>
    /// <param name="name">What errors call it.</param>
    public static SiameseImage FromBytes(byte[] encoded, string name = "bytes") => new(name, null, encoded, null);

    /// <summary>Raw 8-bit grayscale pixels, row by row: dark ink on light paper or light on dark, as a file may be.</summary>
    /// <param name="gray">height x width bytes, row-major; kept, not copied.</param>
    /// <param name="height">Rows.</param>
    /// <param name="width">Pixels in a row.</param>
    /// <param name="name">What errors call it.</param>
    public static SiameseImage FromPixels(byte[] gray, int height, int width, string name = "pixels") => new(name, null, null, (gray, height, width));

    /// <summary>The model input: height x width light-on-dark bytes, or null and why not (unreadable, too large, no ink).</summary>
    internal byte[]? TryPrepare(int height, int width, ImagePreparation preparation, InvertMode invert, out string whyNot)
    {
        if (path is not null)
            return GrayImages.TryRead(path, height, width, preparation, invert, out whyNot);
        if (encoded is not null)
            return GrayImages.TryRead(encoded, height, width, preparation, invert, out whyNot);
        var (gray, rows, columns) = raw!.Value;
        return GrayImages.TryPrepare(gray, rows, columns, height, width, preparation, invert, out whyNot);
    }

    /// <summary>As <see cref="TryPrepare"/>, or a <see cref="UserInputException"/> that names the image and the cause.</summary>
    internal byte[] Prepare(int height, int width, ImagePreparation preparation, InvertMode invert) =>
        TryPrepare(height, width, preparation, invert, out var whyNot) ?? throw new UserInputException($"{Name}: {whyNot}");
}
