using System.Buffers.Binary;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace IlgpuSiamese.Tests.Support;

/// <summary>Image files made in tests: a square on a background, and files that must be refused.</summary>
public static class TestImages
{
    /// <summary>A width x height image of <paramref name="background"/> grey with a centred square (half the shorter side) of <paramref name="square"/> grey.</summary>
    public static string Square(string path, int width, int height, byte background, byte square)
    {
        using var image = new Image<L8>(width, height, new L8(background));
        var side = Math.Min(width, height) / 2;
        for (var y = (height - side) / 2; y < (height + side) / 2; y++)
        for (var x = (width - side) / 2; x < (width + side) / 2; x++)
            image[x, y] = new L8(square);
        image.Save(path);
        return path;
    }

    /// <summary>Writes one kind of image without ink: "white" (a white PNG), "transparent" (a PNG of nothing but transparency) or "grey" (a uniform grey JPEG).</summary>
    public static string NoInk(string folder, string kind)
    {
        var path = Path.Combine(folder, kind == "grey" ? "grey.jpg" : $"{kind}.png");
        using var image = new Image<Rgba32>(40, 30, kind switch
        {
            "white" => new Rgba32(255, 255, 255),
            "transparent" => new Rgba32(0, 0, 0, 0),
            "grey" => new Rgba32(128, 128, 128),
            _ => throw new ArgumentException(kind),
        });
        image.Save(path);
        return path;
    }

    /// <summary>Writes one kind of bad image file: "garbage", "truncated" (a PNG cut short) or "enormous" (a 20000x20000 BMP header).</summary>
    public static string Bad(string folder, string kind)
    {
        var path = Path.Combine(folder, kind == "enormous" ? "enormous.bmp" : $"{kind}.png");
        File.WriteAllBytes(path, kind switch
        {
            "garbage" => "hello, not an image"u8.ToArray(),
            "truncated" => File.ReadAllBytes(Square(Path.Combine(folder, "whole.png"), 28, 28, 0, 255))[..60],
            "enormous" => BmpHeader(20_000, 20_000),
            _ => throw new ArgumentException(kind),
        });
        return path;
    }

    /// <summary>A BMP file header and info header that claim width x height 24-bit pixels, with no pixel data.</summary>
    public static byte[] BmpHeader(int width, int height)
    {
        var bytes = new byte[54];
        "BM"u8.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(2), bytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(28), 24);
        return bytes;
    }
}
