using System.Security.Cryptography;

namespace IlgpuSiamese.Training.Data;

/// <summary>Writes a dataset file and checks its SHA-256 as it goes; checks a file already on disk.</summary>
public static class VerifiedFile
{
    private const int ChunkBytes = 1 << 20;

    /// <summary>Copies <paramref name="content"/> to <paramref name="path"/>; deletes it and throws unless it is exactly the pinned file.</summary>
    public static void Write(Stream content, string path, DataFile file, IProgress<DataProgress>? progress, string task)
    {
        try
        {
            using (var output = File.Create(path))
            {
                var actual = Copy(content, output, file, progress, task);
                if (output.Length != file.Length)
                    throw new DataSourceException($"{file.Name}: {output.Length:N0} bytes where {file.Length:N0} were expected: the file is truncated or not the expected one");
                if (actual != file.Sha256)
                    throw new DataSourceException($"{file.Name}: SHA-256 {actual} does not match the pinned {file.Sha256}: the file is corrupt or not the expected one");
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    public static bool Matches(string path, DataFile file)
    {
        if (!File.Exists(path) || new FileInfo(path).Length != file.Length)
            return false;
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream)) == file.Sha256;
    }

    private static string Copy(Stream content, Stream output, DataFile file, IProgress<DataProgress>? progress, string task)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[ChunkBytes];
        long written = 0;
        progress?.Report(new DataProgress(task, 0, file.Length));
        int read;
        while ((read = content.Read(buffer)) > 0)
        {
            written += read;
            if (written > file.Length)
                throw new DataSourceException($"{file.Name}: more than the expected {file.Length:N0} bytes: not the expected file");
            hash.AppendData(buffer, 0, read);
            output.Write(buffer, 0, read);
            progress?.Report(new DataProgress(task, written, file.Length));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
