using IlgpuSiamese.Network;

namespace IlgpuSiamese.Training.Storage;

/// <summary>
/// The machine's storage failed at a path the user gave (permission denied, no space left, a file where a
/// folder belongs, a path too long): the message names that path, what was being done, why it failed and,
/// where it helps, what to do. The CLI prints it as one line and exits with code 1.
/// </summary>
public sealed class StorageException(string path, string action, string cause, Exception? inner = null, string? advice = null)
    : UserInputException($"{path}: cannot {action}: {cause}{(advice is null ? "" : $"; {advice}")}", inner)
{
    public string Path { get; } = path;
    public string Action { get; } = action;
    public string Cause { get; } = cause;

    /// <summary>The same failure with what to do about it (which checkpoint is kept, which option helps).</summary>
    public StorageException WithAdvice(string advice) => new(Path, Action, Cause, InnerException, advice);

    /// <summary>Whether <paramref name="e"/> is the file system refusing (every such .NET exception is one of these two).</summary>
    public static bool IsStorageFailure(Exception e) => e is IOException or UnauthorizedAccessException;

    /// <summary><paramref name="e"/>, thrown while doing <paramref name="action"/> at <paramref name="path"/>, in the user's words.</summary>
    public static StorageException From(Exception e, string path, string action, string? advice = null) =>
        e as StorageException ?? new StorageException(path, action, StorageCause.Of(e, path), e, advice);

    /// <summary>Runs <paramref name="work"/>; a storage failure in it becomes a <see cref="StorageException"/> at <paramref name="path"/>.</summary>
    public static T Guard<T>(string path, string action, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            throw From(e, path, action);
        }
    }
}
