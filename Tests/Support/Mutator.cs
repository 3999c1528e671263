using System.Buffers.Binary;

namespace IlgpuSiamese.Tests.Support;

/// <summary>
/// Seeded mutations of a valid input, as a fuzzer makes them: flipped bits, random and boundary bytes,
/// boundary 32-bit integers, deleted, duplicated and inserted ranges, truncation. The same seed gives the same inputs.
/// </summary>
public sealed class Mutator(int seed)
{
    private static readonly byte[] BoundaryBytes = [0x00, 0x01, 0x7F, 0x80, 0xFF];
    private static readonly int[] BoundaryInts = [0, 1, -1, 2, 255, 256, 65_535, 65_536, int.MaxValue, int.MinValue, 1 << 30, 28, 4096, 4097];

    public Random Random { get; } = new(seed);

    /// <summary>One to four mutations of <paramref name="input"/>; the input itself is left alone.</summary>
    public byte[] Mutate(byte[] input)
    {
        var bytes = input.ToList();
        for (var n = Random.Next(1, 5); n > 0; n--)
            MutateOnce(bytes);
        return bytes.ToArray();
    }

    private void MutateOnce(List<byte> bytes)
    {
        if (bytes.Count == 0)
        {
            bytes.Add((byte)Random.Next(256));
            return;
        }
        var at = Random.Next(bytes.Count);
        var length = Math.Min(bytes.Count - at, Random.Next(1, 17));
        switch (Random.Next(8))
        {
            case 0:
                bytes[at] ^= (byte)(1 << Random.Next(8));
                break;
            case 1:
                bytes[at] = (byte)Random.Next(256);
                break;
            case 2:
                bytes[at] = BoundaryBytes[Random.Next(BoundaryBytes.Length)];
                break;
            case 3:
                var value = new byte[4];
                if (Random.Next(2) == 0)
                    BinaryPrimitives.WriteInt32BigEndian(value, BoundaryInts[Random.Next(BoundaryInts.Length)]);
                else
                    BinaryPrimitives.WriteInt32LittleEndian(value, BoundaryInts[Random.Next(BoundaryInts.Length)]);
                for (var i = 0; i < 4 && at + i < bytes.Count; i++)
                    bytes[at + i] = value[i];
                break;
            case 4:
                bytes.RemoveRange(at, length);
                break;
            case 5:
                bytes.InsertRange(at, bytes.GetRange(at, length));
                break;
            case 6:
                var random = new byte[length];
                Random.NextBytes(random);
                bytes.InsertRange(at, random);
                break;
            default:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
        }
    }
}
