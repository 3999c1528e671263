namespace IlgpuSiamese.Training.Storage;

/// <summary>
/// The folder a training run writes to. Without <c>--out</c> each run takes the next free one (runs/train,
/// runs/train2, ..., as Ultralytics numbers its runs); a folder that holds an earlier run is only continued
/// (<c>--resume</c>) or replaced (<c>--overwrite</c>) when asked.
/// </summary>
public static class RunFolder
{
    /// <summary>The files a run writes; <c>--overwrite</c> removes these and nothing else.</summary>
    public static readonly string[] RunFiles = [Trainer.ModelFileName, "config.json", "history.csv", "history.png"];

    /// <summary><paramref name="first"/> when it is free, else the first free one of first2, first3, ...</summary>
    public static string NextFree(string first)
    {
        if (!IsUsed(first))
            return first;
        for (var n = 2; ; n++)
            if (!IsUsed($"{first}{n}"))
                return $"{first}{n}";
    }

    /// <summary>
    /// Whether <paramref name="folder"/> holds anything but hidden files (an earlier run, or files of the user's): a lock
    /// or a temporary file that a killed run left is no run to keep.
    /// </summary>
    public static bool IsUsed(string folder) =>
        Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any(e => !Path.GetFileName(e).StartsWith('.'));

    /// <summary>The earlier run's files in <paramref name="folder"/>, for the message that refuses it.</summary>
    public static IReadOnlyList<string> FilesOfARun(string folder) =>
        RunFiles.Where(f => File.Exists(Path.Combine(folder, f))).ToList();

    /// <summary>Removes an earlier run's files from <paramref name="folder"/> (asked for with --overwrite).</summary>
    public static void Clear(string folder)
    {
        foreach (var file in FilesOfARun(folder))
        {
            var path = Path.Combine(folder, file);
            StorageException.Guard(path, "remove the earlier run's file (--overwrite)", () => { File.Delete(path); return 0; });
        }
    }
}
