using System.Buffers.Binary;
using System.Text;

namespace IlgpuSiamese.Benchmarks.EndToEnd;

/// <summary>One symbol-version requirement of a shared library (a vernaux entry of .gnu.version_r).</summary>
/// <param name="File">The library the version is required from (libstdc++.so.6).</param>
/// <param name="Version">The version name (GLIBCXX_3.4.32).</param>
/// <param name="FlagsOffset">Where in the file its vna_flags field lies.</param>
public sealed record ElfVersionNeed(string File, string Version, ushort Flags, long FlagsOffset)
{
    public bool Weak => (Flags & ElfVersionNeeds.WeakFlag) != 0;
}

public enum WeakMarking
{
    Marked,
    AlreadyWeak,
    NotRequired,
}

/// <summary>
/// Reads and edits the version requirements (SHT_GNU_verneed) of a 64-bit little-endian ELF file.
/// Why: TorchSharp 0.107.0's libLibTorchSharp.so requires GLIBCXX_3.4.32 of libstdc++ for one symbol that
/// nothing relocates against, and Debian 12's libstdc++ stops at 3.4.30, so the loader refuses the file.
/// Marking that requirement weak (VER_FLG_WEAK) lets the loader accept a libstdc++ without it; with the
/// version present nothing changes. Only ever applied to a copy in a build output, never the NuGet cache.
/// </summary>
public static class ElfVersionNeeds
{
    public const ushort WeakFlag = 0x2;
    private const uint VerneedSection = 0x6ffffffe;

    /// <summary>Every requirement, in file order. Throws <see cref="InvalidDataException"/> for anything but a well-formed ELF64 LE file.</summary>
    public static IReadOnlyList<ElfVersionNeed> Read(ReadOnlySpan<byte> elf)
    {
        var needs = new List<ElfVersionNeed>();
        foreach (var (offset, size, count, strings) in VerneedSections(elf))
        {
            var entry = offset;
            for (var i = 0; i < count; i++)
            {
                Check(elf, entry, 16, "a verneed entry");
                if (entry + 16 > offset + size)
                    throw new InvalidDataException("a verneed entry runs past its section");
                var auxCount = BinaryPrimitives.ReadUInt16LittleEndian(elf[(int)(entry + 2)..]);
                var file = ReadString(elf, strings, BinaryPrimitives.ReadUInt32LittleEndian(elf[(int)(entry + 4)..]));
                var aux = entry + BinaryPrimitives.ReadUInt32LittleEndian(elf[(int)(entry + 8)..]);
                for (var k = 0; k < auxCount; k++)
                {
                    Check(elf, aux, 16, "a vernaux entry");
                    var flags = BinaryPrimitives.ReadUInt16LittleEndian(elf[(int)(aux + 4)..]);
                    var name = ReadString(elf, strings, BinaryPrimitives.ReadUInt32LittleEndian(elf[(int)(aux + 8)..]));
                    needs.Add(new ElfVersionNeed(file, name, flags, aux + 4));
                    var nextAux = BinaryPrimitives.ReadUInt32LittleEndian(elf[(int)(aux + 12)..]);
                    if (nextAux == 0)
                        break;
                    aux += nextAux;
                }
                var next = BinaryPrimitives.ReadUInt32LittleEndian(elf[(int)(entry + 12)..]);
                if (next == 0)
                    break;
                entry += next;
            }
        }
        return needs;
    }

    /// <summary>Sets VER_FLG_WEAK on every requirement of <paramref name="version"/>, in place.</summary>
    public static WeakMarking MarkWeak(Span<byte> elf, string version)
    {
        var matching = Read(elf).Where(n => n.Version == version).ToList();
        if (matching.Count == 0)
            return WeakMarking.NotRequired;
        if (matching.All(n => n.Weak))
            return WeakMarking.AlreadyWeak;
        foreach (var need in matching)
            BinaryPrimitives.WriteUInt16LittleEndian(elf[(int)need.FlagsOffset..], (ushort)(need.Flags | WeakFlag));
        return WeakMarking.Marked;
    }

    /// <summary>
    /// <see cref="MarkWeak(Span{byte}, string)"/> on a file. The edited bytes go to a new file that then
    /// replaces the old one, so a hard link to the original (a package cache) is never written through.
    /// </summary>
    public static WeakMarking MarkWeakInFile(string path, string version)
    {
        var bytes = File.ReadAllBytes(path);
        var result = MarkWeak(bytes, version);
        if (result != WeakMarking.Marked)
            return result;
        var staging = $"{path}.{Environment.ProcessId}.patching";
        try
        {
            File.WriteAllBytes(staging, bytes);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(staging, File.GetUnixFileMode(path));
            File.Move(staging, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(staging))
                File.Delete(staging);
        }
        return result;
    }

    private static IEnumerable<(long Offset, long Size, int Count, (long Offset, long Size) Strings)> VerneedSections(ReadOnlySpan<byte> elf)
    {
        Check(elf, 0, 64, "the ELF header");
        if (elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        var sectionTable = (long)BinaryPrimitives.ReadUInt64LittleEndian(elf[0x28..]);
        var entrySize = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3A..]);
        long count = BinaryPrimitives.ReadUInt16LittleEndian(elf[0x3C..]);
        if (sectionTable == 0)
            return [];
        if (entrySize < 64)
            throw new InvalidDataException($"section header entries of {entrySize} bytes");
        Check(elf, sectionTable, entrySize, "the section table");
        if (count == 0)
            count = (long)BinaryPrimitives.ReadUInt64LittleEndian(elf[(int)(sectionTable + 32)..]);
        Check(elf, sectionTable, count * entrySize, "the section table");
        var found = new List<(long, long, int, (long, long))>();
        for (var i = 0; i < count; i++)
        {
            var header = elf.Slice((int)(sectionTable + i * entrySize), entrySize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != VerneedSection)
                continue;
            var offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
            var size = (long)BinaryPrimitives.ReadUInt64LittleEndian(header[32..]);
            var link = BinaryPrimitives.ReadUInt32LittleEndian(header[40..]);
            var entries = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[44..]);
            Check(elf, offset, size, "the .gnu.version_r section");
            if (link >= count)
                throw new InvalidDataException("the version section links to no string table");
            var strings = elf.Slice((int)(sectionTable + link * entrySize), entrySize);
            var stringsOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(strings[24..]);
            var stringsSize = (long)BinaryPrimitives.ReadUInt64LittleEndian(strings[32..]);
            Check(elf, stringsOffset, stringsSize, "the version section's string table");
            found.Add((offset, size, entries, (stringsOffset, stringsSize)));
        }
        return found;
    }

    private static string ReadString(ReadOnlySpan<byte> elf, (long Offset, long Size) table, uint index)
    {
        if (index >= table.Size)
            throw new InvalidDataException("a version name lies outside its string table");
        var rest = elf.Slice((int)(table.Offset + index), (int)(table.Size - index));
        var end = rest.IndexOf((byte)0);
        if (end < 0)
            throw new InvalidDataException("a version name is not terminated");
        return Encoding.ASCII.GetString(rest[..end]);
    }

    private static void Check(ReadOnlySpan<byte> elf, long offset, long length, string what)
    {
        if (offset < 0 || length < 0 || offset + length > elf.Length)
            throw new InvalidDataException($"{what} lies outside the file ({elf.Length} bytes)");
    }
}
