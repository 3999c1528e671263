namespace IlgpuSiamese.Training.Storage;

/// <summary>
/// Why the file system refused, in words. On Linux .NET puts errno into an <see cref="IOException"/>'s HResult
/// (no space, read-only, is a folder) and maps EACCES, ENOENT and ENAMETOOLONG to exception types; a file on the
/// way to a folder is reported as "not found", so it is found by looking at the path. Opening a folder as a file is
/// reported as "access denied": callers that read a file check for a folder first.
/// </summary>
public static class StorageCause
{
    private const int NotAFolder = 20, IsAFolder = 21, NoSpace = 28, ReadOnly = 30, QuotaExceeded = 122;

    public static string Of(Exception e, string path) => e switch
    {
        PathTooLongException => "the path or one of its names is too long",
        IOException { HResult: NoSpace or QuotaExceeded } => "no space left on the device",
        IOException { HResult: ReadOnly } => "the file system is read-only",
        IOException { HResult: IsAFolder } => "it is a folder, not a file",
        _ when FileOnTheWay(path) is { } file => $"{file} is a file, not a folder",
        IOException { HResult: NotAFolder } => "a name on its path is a file, not a folder",
        UnauthorizedAccessException => "permission denied",
        DirectoryNotFoundException => "a folder on its path does not exist",
        FileNotFoundException => "no such file",
        _ => e.Message,
    };

    /// <summary>
    /// Whether <paramref name="e"/> is this machine's storage refusing a write (full, read-only, not permitted), as opposed
    /// to a network or a source failing: another source would meet the same refusal.
    /// </summary>
    public static bool IsLocalRefusal(Exception e) => e is UnauthorizedAccessException or IOException { HResult: NoSpace or QuotaExceeded or ReadOnly };

    /// <summary>The first name on the way to <paramref name="path"/> (not the path itself) that is a file where a folder must be.</summary>
    private static string? FileOnTheWay(string path)
    {
        try
        {
            for (var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)); folder is not null; folder = System.IO.Path.GetDirectoryName(folder))
                if (File.Exists(folder))
                    return folder;
        }
        catch (Exception e) when (e is ArgumentException or IOException)
        {
        }
        return null;
    }
}
