using IlgpuSiamese.Network;

namespace IlgpuSiamese.Training.Storage;

/// <summary>
/// A training run's claim on its folder: a lock file holding the process id, created exclusively and removed when
/// the run ends. A second run on the folder is refused, naming the process that holds it; a lock left by a process
/// that has ended (killed, or its machine restarted) is taken over with a note.
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = ".lock";

    /// <summary>A lock younger than this with no process id in it yet is a run that is still writing it.</summary>
    private static readonly TimeSpan JustCreated = TimeSpan.FromSeconds(5);

    private readonly string path;

    private RunLock(string path)
    {
        this.path = path;
        // A second signal ends the process with Environment.Exit, past every using block: the lock goes with it.
        AppDomain.CurrentDomain.ProcessExit += Release;
    }

    public static RunLock Take(string folder, Action<string> note)
    {
        var path = Path.Combine(folder, FileName);
        while (true)
        {
            try
            {
                using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
                    stream.Write(System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"));
                return new RunLock(path);
            }
            catch (IOException e) when (System.IO.File.Exists(path))
            {
                var holder = Holder(path);
                if (holder is { } id && RunningProcess.IsAlive(id))
                    throw new UserInputException($"{folder}: another training run (process {id}) is using this folder; wait for it to end, or choose another --out", e);
                if (holder is null && DateTime.UtcNow - System.IO.File.GetLastWriteTimeUtc(path) < JustCreated)
                    throw new UserInputException($"{folder}: another training run is starting in this folder; wait for it to end, or choose another --out", e);
                note($"{folder}: taking over the lock of {(holder is { } gone ? $"process {gone}, which has ended" : "a run that left no process id")}");
                StorageException.Guard(path, "remove the stale lock", () => { System.IO.File.Delete(path); return 0; });
            }
            catch (Exception e) when (StorageException.IsStorageFailure(e))
            {
                throw StorageException.From(e, folder, "lock the folder for this run");
            }
        }
    }

    /// <summary>The process id written in the lock file; null when it is unreadable or half-written.</summary>
    private static int? Holder(string path)
    {
        try
        {
            return int.TryParse(System.IO.File.ReadAllText(path).Trim(), out var id) ? id : null;
        }
        catch (Exception e) when (StorageException.IsStorageFailure(e))
        {
            return null;
        }
    }

    private void Release(object? sender, EventArgs e) => Dispose();

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= Release;
        if (Holder(path) == Environment.ProcessId)
            System.IO.File.Delete(path);
    }
}
