using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace IlgpuSiamese.Tests.Support;

/// <summary>
/// Model-file bytes taken apart and put back with a correct checksum, so that a test reaches the header
/// parser with a header the checksum cannot refuse. Layout: 8-byte magic, u32 version, u32 header length, header JSON, ...
/// </summary>
public static class ModelBytes
{
    private const int HeaderStart = 16, ChecksumLength = 32;

    public static JsonObject Header(byte[] file) =>
        JsonNode.Parse(file.AsSpan(HeaderStart, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(12)))).AsObject();

    /// <summary>The file with its header replaced by <paramref name="header"/> and the checksum recomputed.</summary>
    public static byte[] WithHeader(byte[] file, string header)
    {
        var oldLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(12));
        var json = Encoding.UTF8.GetBytes(header);
        var length = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, json.Length);
        return WithChecksum([.. file.AsSpan(0, 12), .. length, .. json, .. file.AsSpan(HeaderStart + oldLength)]);
    }

    /// <summary>The file with its last 32 bytes replaced by the SHA-256 of all before them.</summary>
    public static byte[] WithChecksum(byte[] file)
    {
        if (file.Length < ChecksumLength)
            return file;
        var fixedUp = file.ToArray();
        SHA256.HashData(fixedUp.AsSpan(0, file.Length - ChecksumLength)).CopyTo(fixedUp, file.Length - ChecksumLength);
        return fixedUp;
    }
}
