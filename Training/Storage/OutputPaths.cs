namespace IlgpuSiamese.Training.Storage;

/// <summary>
/// Where a command will write, checked before its work starts and the same way in every command: a missing
/// folder is created; a folder that cannot be created or written in, a file where a folder belongs and a
/// folder where a file belongs are refused with the cause, naming the option that asked for it.
/// </summary>
public static class OutputPaths
{
    /// <summary>The longest file name Linux file systems take.</summary>
    private const int MaxNameBytes = 255;

    /// <summary>The full path of a file to write for <paramref name="option"/>, once its folder exists and takes files.</summary>
    public static string File(string path, string option)
    {
        var full = FullPath(path, option);
        if (Directory.Exists(full))
            throw new StorageException(full, $"write {option} there", "it is a folder; give a file name");
        if (System.Text.Encoding.UTF8.GetByteCount(Path.GetFileName(full)) > MaxNameBytes)
            throw new StorageException(full, $"write {option} there", $"its name is longer than {MaxNameBytes} bytes");
        Folder(Path.GetDirectoryName(full)!, option);
        Probe(AtomicFile.TemporaryPath(full, Environment.ProcessId), full, option);
        return full;
    }

    /// <summary>The full path of a folder to write in for <paramref name="option"/>, created when missing, known to take files.</summary>
    public static string Folder(string path, string option)
    {
        var full = FullPath(path, option);
        if (System.IO.File.Exists(full))
            throw new StorageException(full, $"use it as the folder for {option}", "it is a file, not a folder");
        StorageException.Guard(full, $"create the folder for {option}", () => Directory.CreateDirectory(full));
        Probe(Path.Combine(full, $".write-check.{Environment.ProcessId}.tmp"), full, option);
        return full;
    }

    private static string FullPath(string path, string option)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (ArgumentException e)
        {
            throw new StorageException(path, $"use it for {option}", e.Message, e);
        }
    }

    /// <summary>Creates and removes an empty file at <paramref name="probe"/>: what refuses it would refuse the real file.</summary>
    private static void Probe(string probe, string shownPath, string option)
    {
        try
        {
            new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose).Dispose();
        }
        catch (FileNotFoundException e) when (Directory.Exists(Path.GetDirectoryName(probe)))
        {
            // The folder is there, yet a file created in it is "not found": a file system such as /proc or /sys.
            throw new StorageException(shownPath, $"write {option} there", "its file system takes no new files", e);
        }
        catch (Exception e) when (StorageException.IsStorageFailure(e))
        {
            throw new StorageException(shownPath, $"write {option} there", StorageCause.Of(e, probe), e);
        }
    }
}
