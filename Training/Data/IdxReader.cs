using System.Buffers.Binary;
using System.IO.Compression;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Storage;

namespace IlgpuSiamese.Training.Data;

/// <summary>Images of one IDX file: Count images of Rows x Columns unsigned bytes, row-major.</summary>
public sealed record IdxImages(int Count, int Rows, int Columns, byte[] Pixels);

/// <summary>
/// Reads IDX files (the MNIST format), raw or gzip-compressed (recognised by content): idx3 images and
/// idx1 labels of unsigned bytes. Every malformed file is refused with a message that names it.
/// </summary>
public static class IdxReader
{
    public const int MaxSide = 4096;
    private const byte UnsignedByte = 0x08;
    private const int FirstChunk = 1 << 20;

    /// <summary>An image file and its label file; labels must lie in 0..classCount-1.</summary>
    public static (IdxImages Images, byte[] Labels) ReadPair(string imagesPath, string labelsPath, int classCount)
    {
        var images = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath);
        if (labels.Length != images.Count)
            throw new UserInputException($"{labelsPath}: holds {labels.Length} labels but {imagesPath} holds {images.Count} images");
        var bad = Array.FindIndex(labels, l => l >= classCount);
        if (bad >= 0)
            throw new UserInputException($"{labelsPath}: label {labels[bad]} at index {bad} is out of range 0..{classCount - 1}");
        return (images, labels);
    }

    public static IdxImages ReadImages(string path)
    {
        using var stream = Open(path);
        var dims = ReadHeader(stream, path, dimensions: 3, "an image file (idx3)");
        var (count, rows, columns) = (dims[0], dims[1], dims[2]);
        if (rows > MaxSide || columns > MaxSide)
            throw new UserInputException($"{path}: images of {rows}x{columns} are larger than {MaxSide}x{MaxSide}: wrong dimensions in the header");
        if ((long)count * rows * columns > Array.MaxLength)
            throw new UserInputException($"{path}: {count} images of {rows}x{columns} are too many to hold in memory");
        var pixels = ReadBody(stream, path, count * rows * columns, $"{count} images of {rows}x{columns}");
        return new IdxImages(count, rows, columns, pixels);
    }

    public static byte[] ReadLabels(string path)
    {
        using var stream = Open(path);
        var count = ReadHeader(stream, path, dimensions: 1, "a label file (idx1)")[0];
        return ReadBody(stream, path, count, $"{count} labels");
    }

    private static Stream Open(string path)
    {
        if (!File.Exists(path))
            throw new UserInputException($"{path}: file not found");
        var file = StorageException.Guard(path, "read it", () => File.OpenRead(path));
        Span<byte> start = stackalloc byte[2];
        var gzip = file.Read(start) == 2 && start[0] == 0x1f && start[1] == 0x8b;
        file.Position = 0;
        return gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    private static int[] ReadHeader(Stream stream, string path, int dimensions, string what)
    {
        var magic = new byte[4];
        if (Fill(stream, path, magic) < magic.Length)
            throw new UserInputException($"{path}: truncated: the file ends inside its 4-byte IDX header");
        var magicText = $"0x{BinaryPrimitives.ReadUInt32BigEndian(magic):X8}";
        var expected = $"0x{UnsignedByte << 8 | dimensions:X8}";
        if (magic[0] != 0 || magic[1] != 0)
            throw new UserInputException($"{path}: bad magic number {magicText}: not an IDX file ({what} starts with {expected})");
        if (magic[2] != UnsignedByte)
            throw new UserInputException($"{path}: magic number {magicText} says data type 0x{magic[2]:X2}; only unsigned bytes (0x08) are supported");
        if (magic[3] != dimensions)
            throw new UserInputException($"{path}: wrong dimensions: magic number {magicText} says {magic[3]} dimensions, {what} has {dimensions} (magic {expected})");

        var sizes = new byte[4 * dimensions];
        if (Fill(stream, path, sizes) < sizes.Length)
            throw new UserInputException($"{path}: truncated: the file ends inside its header of {dimensions} dimension sizes");
        var dims = Enumerable.Range(0, dimensions).Select(i => BinaryPrimitives.ReadInt32BigEndian(sizes.AsSpan(4 * i))).ToArray();
        if (dims.Any(d => d <= 0))
            throw new UserInputException($"{path}: wrong dimensions {string.Join("x", dims)} in the header: every size must be positive");
        return dims;
    }

    /// <summary>The promised bytes, read in growing chunks: a header that promises more than the file holds allocates no more than the file.</summary>
    private static byte[] ReadBody(Stream stream, string path, int length, string promised)
    {
        var data = new byte[Math.Min(length, FirstChunk)];
        var read = Fill(stream, path, data);
        while (read == data.Length && read < length)
        {
            Array.Resize(ref data, (int)Math.Min(2L * data.Length, length));
            read += Fill(stream, path, data.AsMemory(read));
        }
        if (read < length)
            throw new UserInputException($"{path}: truncated: the header promises {promised} ({length:N0} bytes of data) but the file holds {read:N0}");
        if (Fill(stream, path, new byte[1]) > 0)
            throw new UserInputException($"{path}: data continues past the {promised} that the header promises: wrong header or not an IDX file");
        return data;
    }

    private static int Fill(Stream stream, string path, Memory<byte> buffer)
    {
        try
        {
            return stream.ReadAtLeast(buffer.Span, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new UserInputException($"{path}: corrupt gzip data: {e.Message}", e);
        }
    }
}
