using System.Globalization;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Data;
using IlgpuSiamese.Training.Storage;

namespace IlgpuSiamese.Training.Search;

/// <summary>Embeddings read back from the CSV that <c>siamese embed</c> writes: a header "path,e0..e{F-1}", then one row per image.</summary>
public sealed record EmbeddingCsv(List<string> Files, float[] Embeddings)
{
    /// <summary>Values per embedding, as the header names them.</summary>
    public int Size => Embeddings.Length / Files.Count;

    /// <summary>Reads <paramref name="path"/>; refuses, naming it, a CSV whose rows do not each hold as many values as its header names.</summary>
    public static EmbeddingCsv Read(string path)
    {
        if (!File.Exists(path))
            throw new UserInputException($"{path}: no such file");
        var lines = StorageException.Guard(path, "read it", () => File.ReadAllLines(path)).Where(l => l.Length > 0).ToList();
        if (lines.Count == 0 || Csv.Split(lines[0]) is not ["path", ..] header)
            throw new UserInputException($"{path}: not an embeddings CSV written by siamese embed (its header must start with \"path\")");
        var size = header.Count - 1;
        if (lines.Count == 1)
            throw new UserInputException($"{path}: holds no embeddings");
        var files = new List<string>(lines.Count - 1);
        var embeddings = new float[(lines.Count - 1) * size];
        for (var row = 1; row < lines.Count; row++)
        {
            var fields = Csv.Split(lines[row]);
            if (fields.Count != size + 1)
                throw new UserInputException($"{path}: line {row + 1} has {fields.Count} fields, the header {size + 1}");
            files.Add(fields[0]);
            for (var k = 0; k < size; k++)
            {
                if (!float.TryParse(fields[k + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !float.IsFinite(value))
                    throw new UserInputException($"{path}: line {row + 1}, e{k}: \"{fields[k + 1]}\" is not a finite number");
                embeddings[(row - 1) * size + k] = value;
            }
        }
        return new EmbeddingCsv(files, embeddings);
    }

    /// <summary>Refuses, naming both files, embeddings of another size than <paramref name="model"/> makes.</summary>
    public void RequireSize(string path, int size, string model)
    {
        if (Size != size)
            throw new UserInputException($"{path}: holds embeddings of {Size} values, the model {model} makes {size}: embed the folder again with this model");
    }
}
