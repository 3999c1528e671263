using System.IO.Compression;

namespace IlgpuSiamese.Training.Data;

/// <summary>A folder on this machine (a system package's) that holds the IDX files, raw or as .gz.</summary>
public sealed class LocalFolderSource(string folder, string installHint) : IDataSource
{
    public string Description => folder;

    public string ByHand(KnownDataset dataset, string target) =>
        $"{installHint}, then run this again (or gunzip {Path.Combine(folder, "*.gz")} into {target})";

    public void FetchInto(KnownDataset dataset, string staging, IProgress<DataProgress>? progress)
    {
        if (!Directory.Exists(folder))
            throw new DataSourceException($"{folder} does not exist ({installHint})");
        foreach (var file in dataset.Files)
        {
            var raw = Path.Combine(folder, file.Name);
            var path = File.Exists(raw) ? raw : raw + ".gz";
            if (!File.Exists(path))
                throw new DataSourceException($"{folder} has no {file.Name} or {file.Name}.gz");
            using Stream stream = File.OpenRead(path);
            using var content = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : stream;
            try
            {
                VerifiedFile.Write(content, Path.Combine(staging, file.Name), file, progress, $"copying {file.Name}");
            }
            catch (InvalidDataException e)
            {
                throw new DataSourceException($"{path}: not valid gzip data ({e.Message})", e);
            }
        }
    }
}
