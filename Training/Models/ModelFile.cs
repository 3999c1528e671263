using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Storage;

namespace IlgpuSiamese.Training.Models;

/// <summary>A model as stored: header, weights, and (in checkpoints) Adam's moments.</summary>
public sealed record SavedModel(ModelHeader Header, float[] Weights, float[]? FirstMoments, float[]? SecondMoments)
{
    public bool HasOptimizerState => FirstMoments is not null && SecondMoments is not null;
}

/// <summary>
/// The single-file model format, version 1, little-endian:
/// "ILGSIAM\0" | u32 version | u32 header length | header JSON (UTF-8) | u8 optimizer state (0/1) |
/// f32[ParameterCount] weights | [f32[ParameterCount] m | f32[ParameterCount] v] | SHA-256 of all before.
/// Writes go to a temporary file in the same folder, then a rename: a crash never leaves half a model.
/// </summary>
public static class ModelFile
{
    public const int Version = 1;
    private static readonly byte[] Magic = "ILGSIAM\0"u8.ToArray();
    private const int ChecksumLength = 32;
    /// <summary>Magic, version and header length.</summary>
    private const int PrefixLength = 16;
    private const int MaxHeaderLength = 16 << 20;

    public static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public static void Save(string path, SavedModel model)
    {
        var header = JsonSerializer.SerializeToUtf8Bytes(model.Header, Json);
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(header.Length);
            writer.Write(header);
            writer.Write((byte)(model.HasOptimizerState ? 1 : 0));
            WriteFloats(writer, model.Weights);
            if (model.HasOptimizerState)
            {
                WriteFloats(writer, model.FirstMoments!);
                WriteFloats(writer, model.SecondMoments!);
            }
        }
        var checksum = SHA256.HashData(body.GetBuffer().AsSpan(0, (int)body.Length));
        body.Write(checksum);
        AtomicFile.Write(path, body.GetBuffer().AsSpan(0, (int)body.Length));
    }

    public static SavedModel Load(string path)
    {
        if (!File.Exists(path))
            throw new UserInputException($"{path}: no such model file.");
        return Read(StorageException.Guard(path, "read the model file", () => File.ReadAllBytes(path)), path);
    }

    /// <summary>A model file's bytes, read as <see cref="Load"/> does; errors name <paramref name="path"/>.</summary>
    public static SavedModel Read(byte[] bytes, string path)
    {
        if (bytes.Length < PrefixLength + 1 + ChecksumLength || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new UserInputException($"{path}: not an IlgpuSiamese model file (wrong magic number or too short).");
        var body = bytes.AsSpan(0, bytes.Length - ChecksumLength);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - ChecksumLength)))
            throw new UserInputException($"{path}: checksum mismatch: the file is truncated or corrupted.");
        using var reader = new BinaryReader(new MemoryStream(bytes, 0, body.Length));
        reader.ReadBytes(Magic.Length);
        var version = reader.ReadInt32();
        if (version != Version)
            throw new UserInputException($"{path}: model format version {version}; this build reads version {Version}.");
        var headerLength = reader.ReadInt32();
        if (headerLength <= 0 || headerLength > MaxHeaderLength || headerLength > body.Length - PrefixLength - 1)
            throw new UserInputException($"{path}: header length {headerLength} is invalid.");
        var header = ReadHeader(reader.ReadBytes(headerLength), path);
        var optimizerFlag = reader.ReadByte();
        if (optimizerFlag > 1)
            throw new UserInputException($"{path}: optimizer-state flag {optimizerFlag} is invalid (0 or 1).");
        var hasOptimizer = optimizerFlag == 1;
        var expected = (long)header.ParameterCount * 4 * (hasOptimizer ? 3 : 1);
        if (reader.BaseStream.Length - reader.BaseStream.Position != expected)
            throw new UserInputException($"{path}: holds {reader.BaseStream.Length - reader.BaseStream.Position} bytes of weights, the header promises {expected}.");
        var weights = ReadFloats(reader, header.ParameterCount);
        return hasOptimizer
            ? new SavedModel(header, weights, ReadFloats(reader, header.ParameterCount), ReadFloats(reader, header.ParameterCount))
            : new SavedModel(header, weights, null, null);
    }

    private static ModelHeader ReadHeader(byte[] json, string path)
    {
        ModelHeader? header;
        try
        {
            header = JsonSerializer.Deserialize<ModelHeader>(json, Json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new UserInputException($"{path}: the model header is not valid: {e.Message}", e);
        }
        if (header is null)
            throw new UserInputException($"{path}: the model header is empty.");
        ModelHeaderCheck.Validate(header, path);
        return header;
    }

    private static void WriteFloats(BinaryWriter writer, float[] values)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("model files are little-endian");
        writer.Write(bytes);
    }

    private static float[] ReadFloats(BinaryReader reader, int count)
    {
        var bytes = reader.ReadBytes(count * 4);
        var values = new float[count];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
