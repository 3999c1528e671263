namespace IlgpuSiamese.Training.Storage;

/// <summary>
/// Writes a whole file or nothing: to a hidden temporary file beside it, flushed, then renamed over it. A failure
/// removes the temporary file, leaves an older file intact and is reported at the user's path, not the temporary one.
/// </summary>
public static class AtomicFile
{
    private const string TemporarySuffix = ".tmp";

    /// <summary>Longest part of the file's own name kept in the temporary name, so that the suffix always fits in 255 bytes.</summary>
    private const int MaxNamePart = 200;

    public static void Write(string path, ReadOnlySpan<byte> contents)
    {
        var full = Path.GetFullPath(path);
        var temporary = TemporaryPath(full, Environment.ProcessId);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (StorageException.IsStorageFailure(e))
        {
            DeleteQuietly(temporary);
            throw StorageException.From(e, full, "write it");
        }
    }

    public static void WriteText(string path, string text) => Write(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>The hidden temporary file that process <paramref name="processId"/> writes before renaming it to <paramref name="full"/>.</summary>
    public static string TemporaryPath(string full, int processId)
    {
        var name = Path.GetFileName(full);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{(name.Length > MaxNamePart ? name[..MaxNamePart] : name)}.{processId}{TemporarySuffix}");
    }

    /// <summary>
    /// Removes the temporary files in <paramref name="folder"/> that a process which has ended left behind (killed
    /// between writing and renaming); returns their names.
    /// </summary>
    public static IReadOnlyList<string> RemoveAbandoned(string folder)
    {
        var removed = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, $".*{TemporarySuffix}"))
        {
            var parts = Path.GetFileName(file).Split('.');
            if (parts.Length >= 4 && int.TryParse(parts[^2], out var writer) && !RunningProcess.IsAlive(writer))
            {
                DeleteQuietly(file);
                removed.Add(Path.GetFileName(file));
            }
        }
        return removed;
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (StorageException.IsStorageFailure(e))
        {
        }
    }
}
