using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Benchmarks.EndToEnd;

namespace IlgpuSiamese.Tests.Benchmarking;

/// <summary>The version-need editor on small ELF files built here: two libraries, three versions required.</summary>
public sealed class ElfVersionNeedsTests
{
    /// <summary>
    /// An ELF64 LE file with a string table and a .gnu.version_r section: libstdc++.so.6 needs GLIBCXX_3.4.30 and
    /// GLIBCXX_3.4.32, libc.so.6 needs GLIBC_2.34 (laid out as linkers do: each verneed followed by its vernaux).
    /// </summary>
    public static byte[] SyntheticElf()
    {
        var strings = new List<byte> { 0 };
        int Add(string s)
        {
            var at = strings.Count;
            strings.AddRange(Encoding.ASCII.GetBytes(s));
            strings.Add(0);
            return at;
        }
        var (libstdcxx, v30, v32, libc, glibc) = (Add("libstdc++.so.6"), Add("GLIBCXX_3.4.30"), Add("GLIBCXX_3.4.32"), Add("libc.so.6"), Add("GLIBC_2.34"));
        const int stringsOffset = 64;
        var verneedOffset = (stringsOffset + strings.Count + 7) / 8 * 8;
        const int verneedSize = 16 * 5;
        var sectionTable = verneedOffset + verneedSize;
        var elf = new byte[sectionTable + 3 * 64];
        var span = elf.AsSpan();
        "\u007fELF"u8.CopyTo(span);
        (elf[4], elf[5], elf[6]) = (2, 1, 1);
        BinaryPrimitives.WriteUInt64LittleEndian(span[0x28..], (ulong)sectionTable);
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x3A..], 64);
        BinaryPrimitives.WriteUInt16LittleEndian(span[0x3C..], 3);
        strings.ToArray().CopyTo(span[stringsOffset..]);

        void Verneed(int at, ushort count, int file, uint next)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan()[at..], 1);
            BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan()[(at + 2)..], count);
            BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan()[(at + 4)..], (uint)file);
            BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan()[(at + 8)..], 16);
            BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan()[(at + 12)..], next);
        }
        void Vernaux(int at, int name, ushort other, uint next)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan()[at..], 0x12345678);
            BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan()[(at + 6)..], other);
            BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan()[(at + 8)..], (uint)name);
            BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan()[(at + 12)..], next);
        }
        Verneed(verneedOffset, 2, libstdcxx, 48);
        Vernaux(verneedOffset + 16, v30, 2, 16);
        Vernaux(verneedOffset + 32, v32, 3, 0);
        Verneed(verneedOffset + 48, 1, libc, 0);
        Vernaux(verneedOffset + 64, glibc, 4, 0);

        void Section(int index, uint type, int offset, int size, uint link, uint info)
        {
            var at = sectionTable + index * 64;
            BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan()[(at + 4)..], type);
            BinaryPrimitives.WriteUInt64LittleEndian(elf.AsSpan()[(at + 24)..], (ulong)offset);
            BinaryPrimitives.WriteUInt64LittleEndian(elf.AsSpan()[(at + 32)..], (ulong)size);
            BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan()[(at + 40)..], link);
            BinaryPrimitives.WriteUInt32LittleEndian(elf.AsSpan()[(at + 44)..], info);
        }
        Section(1, 3, stringsOffset, strings.Count, 0, 0);
        Section(2, 0x6ffffffe, verneedOffset, verneedSize, 1, 2);
        return elf;
    }

    [Test]
    public void ReadsEveryRequirementWithItsLibrary()
    {
        var needs = ElfVersionNeeds.Read(SyntheticElf());
        Assert.That(needs.Select(n => $"{n.File} {n.Version}"),
            Is.EqualTo(new[] { "libstdc++.so.6 GLIBCXX_3.4.30", "libstdc++.so.6 GLIBCXX_3.4.32", "libc.so.6 GLIBC_2.34" }));
        Assert.That(needs.Select(n => n.Weak), Has.All.False);
    }

    [Test]
    public void MarkingWeakSetsOneFlagBitOnTheNamedVersionOnly()
    {
        var original = SyntheticElf();
        var elf = original.ToArray();
        Assert.That(ElfVersionNeeds.MarkWeak(elf, "GLIBCXX_3.4.32"), Is.EqualTo(WeakMarking.Marked));
        var needs = ElfVersionNeeds.Read(elf);
        Assert.That(needs.Select(n => (n.Version, n.Weak)),
            Is.EqualTo(new[] { ("GLIBCXX_3.4.30", false), ("GLIBCXX_3.4.32", true), ("GLIBC_2.34", false) }));
        var changed = Enumerable.Range(0, elf.Length).Where(i => elf[i] != original[i]).ToList();
        Assert.That(changed, Has.Count.EqualTo(1));
        Assert.That(elf[changed[0]] ^ original[changed[0]], Is.EqualTo(ElfVersionNeeds.WeakFlag));
        Assert.That(ElfVersionNeeds.MarkWeak(elf, "GLIBCXX_3.4.32"), Is.EqualTo(WeakMarking.AlreadyWeak));
        Assert.That(ElfVersionNeeds.MarkWeak(elf, "GLIBCXX_9.9"), Is.EqualTo(WeakMarking.NotRequired));
    }

    [Test]
    public void RefusesWhatIsNotAWellFormedElf64File()
    {
        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(new byte[10]));
        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(Encoding.ASCII.GetBytes(new string('x', 200))));
        var elf32 = SyntheticElf();
        elf32[4] = 1;
        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(elf32));
        var truncated = SyntheticElf()[..^70];
        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(truncated));
        var badName = SyntheticElf();
        var table = (int)BinaryPrimitives.ReadUInt64LittleEndian(badName.AsSpan(0x28));
        var verneed = (int)BinaryPrimitives.ReadUInt64LittleEndian(badName.AsSpan(table + 2 * 64 + 24));
        BinaryPrimitives.WriteUInt32LittleEndian(badName.AsSpan(verneed + 16 + 8), 100_000);
        Assert.Throws<InvalidDataException>(() => ElfVersionNeeds.Read(badName));
    }

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int HardLink(string existing, string created);

    [Test]
    public void AFileIsReplacedNotWrittenThroughSoAHardLinkedOriginalKeepsItsBytes()
    {
        using var folder = new TempFolder();
        var cached = folder["cache.so"];
        var output = folder["output.so"];
        File.WriteAllBytes(cached, SyntheticElf());
        if (!OperatingSystem.IsLinux() || HardLink(cached, output) != 0)
            File.Copy(cached, output);
        Assert.That(ElfVersionNeeds.MarkWeakInFile(output, "GLIBCXX_3.4.32"), Is.EqualTo(WeakMarking.Marked));
        Assert.That(ElfVersionNeeds.Read(File.ReadAllBytes(output)).Single(n => n.Version == "GLIBCXX_3.4.32").Weak, Is.True);
        Assert.That(File.ReadAllBytes(cached), Is.EqualTo(SyntheticElf()), "the other name of the file is untouched");
        Assert.That(ElfVersionNeeds.MarkWeakInFile(output, "GLIBCXX_3.4.32"), Is.EqualTo(WeakMarking.AlreadyWeak));
        Assert.That(Directory.GetFiles(folder.Path), Has.Length.EqualTo(2), "no staging file left behind");
    }
}
