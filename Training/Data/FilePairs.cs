using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Storage;

namespace IlgpuSiamese.Training.Data;

/// <summary>Pairs of image files: the distinct files in first-seen order, and the pairs as indices into them (labels unknown: 0).</summary>
public sealed record FilePairs(IReadOnlyList<string> Files, PairSet Pairs)
{
    public string First(int pair) => Files[Pairs.First[pair]];
    public string Second(int pair) => Files[Pairs.Second[pair]];

    public static FilePairs Of(IReadOnlyList<(string First, string Second)> pairs)
    {
        var files = new List<string>();
        var index = new Dictionary<string, int>();
        int IndexOf(string file)
        {
            if (!index.TryGetValue(file, out var i))
            {
                index[file] = i = files.Count;
                files.Add(file);
            }
            return i;
        }
        var (first, second) = (new int[pairs.Count], new int[pairs.Count]);
        for (var p = 0; p < pairs.Count; p++)
            (first[p], second[p]) = (IndexOf(pairs[p].First), IndexOf(pairs[p].Second));
        return new FilePairs(files, new PairSet(first, second, new float[pairs.Count]));
    }

    /// <summary>
    /// A CSV list of two image paths per line, relative to the list's folder. The first line is a header
    /// when neither of its fields names an image (by its extension) or an existing file.
    /// </summary>
    public static FilePairs FromCsv(string path)
    {
        if (!File.Exists(path))
            throw new UserInputException($"{path}: no such pairs file");
        var folder = Path.GetDirectoryName(path) ?? "";
        var pairs = new List<(string, string)>();
        var lines = StorageException.Guard(path, "read the pairs file", () => File.ReadAllLines(path));
        var firstLine = true;
        for (var n = 0; n < lines.Length; n++)
        {
            if (string.IsNullOrWhiteSpace(lines[n]))
                continue;
            var fields = Csv.Split(lines[n]).Select(f => f.Length == 0 ? f : Path.Combine(folder, f)).ToList();
            var header = firstLine && fields.All(f => !GrayImages.IsImageFile(f) && !File.Exists(f));
            firstLine = false;
            if (header)
                continue;
            if (fields.Count != 2 || fields.Any(f => f.Length == 0))
                throw new UserInputException($"{path}, line {n + 1}: expected two image paths separated by a comma");
            pairs.Add((fields[0], fields[1]));
        }
        if (pairs.Count == 0)
            throw new UserInputException($"{path}: no pairs listed (two image paths per line)");
        return Of(pairs);
    }

    /// <summary><paramref name="count"/> seeded pairs of two different images from a folder and its subfolders.</summary>
    public static FilePairs Random(string folder, int count, int seed)
    {
        if (!Directory.Exists(folder))
            throw new UserInputException($"{folder}: no such folder");
        var files = GrayImages.FilesIn(folder);
        if (files.Count < 2)
            throw new UserInputException($"{folder}: {files.Count} image(s) found ({string.Join(", ", GrayImages.Extensions)}); random pairs need two");
        var random = new Random(seed);
        var pairs = new (string, string)[count];
        for (var p = 0; p < count; p++)
        {
            var a = random.Next(files.Count);
            var b = random.Next(files.Count - 1);
            pairs[p] = (files[a], files[b >= a ? b + 1 : b]);
        }
        return Of(pairs);
    }
}
