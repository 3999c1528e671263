using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Tests.Support;

/// <summary>Small IDX files made in tests: headers, synthetic images, the four files of an MNIST-style folder.</summary>
public static class IdxFiles
{
    public const string TrainImages = "train-images-idx3-ubyte";
    public const string TrainLabels = "train-labels-idx1-ubyte";
    public const string TestImages = "t10k-images-idx3-ubyte";
    public const string TestLabels = "t10k-labels-idx1-ubyte";

    public static byte[] Header(uint magic, params int[] sizes)
    {
        var header = new byte[4 + 4 * sizes.Length];
        BinaryPrimitives.WriteUInt32BigEndian(header, magic);
        for (var i = 0; i < sizes.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), sizes[i]);
        return header;
    }

    public static byte[] Images(int count, int rows, int columns, byte[] pixels) => [.. Header(0x0803, count, rows, columns), .. pixels];

    public static byte[] Labels(byte[] labels) => [.. Header(0x0801, labels.Length), .. labels];

    public static byte[] Gzip(byte[] raw)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest))
            gzip.Write(raw);
        return memory.ToArray();
    }

    /// <summary>Writes raw bytes, or their gzip as path + ".gz"; returns the path written.</summary>
    public static string Write(string path, byte[] raw, bool gzip = false)
    {
        var target = gzip ? path + ".gz" : path;
        File.WriteAllBytes(target, gzip ? Gzip(raw) : raw);
        return target;
    }

    /// <summary>perClass images of each class, class-major; image i of class c is a random image whose first pixel is c.</summary>
    public static (byte[] Pixels, byte[] Labels) Synthetic(int classes, int perClass, int side, int seed)
    {
        var random = new Random(seed);
        var count = classes * perClass;
        var pixels = new byte[count * side * side];
        random.NextBytes(pixels);
        var labels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = (byte)(i / perClass);
            pixels[i * side * side] = labels[i];
        }
        return (pixels, labels);
    }

    /// <summary>An MNIST-style folder: train and test images of side x side and their labels.</summary>
    public static void WriteDataset(string folder, int classes, int trainPerClass, int testPerClass, int side, bool gzip = false)
    {
        Directory.CreateDirectory(folder);
        var (trainPixels, trainLabels) = Synthetic(classes, trainPerClass, side, seed: 1);
        var (testPixels, testLabels) = Synthetic(classes, testPerClass, side, seed: 2);
        Write(Path.Combine(folder, TrainImages), Images(trainLabels.Length, side, side, trainPixels), gzip);
        Write(Path.Combine(folder, TrainLabels), Labels(trainLabels), gzip);
        Write(Path.Combine(folder, TestImages), Images(testLabels.Length, side, side, testPixels), gzip);
        Write(Path.Combine(folder, TestLabels), Labels(testLabels), gzip);
    }

    public static DataFile Pinned(string name, byte[] raw) => new(name, raw.Length, Convert.ToHexStringLower(SHA256.HashData(raw)));
}
