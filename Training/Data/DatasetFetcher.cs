using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Storage;

namespace IlgpuSiamese.Training.Data;

/// <summary>
/// Puts a known dataset's verified IDX files in its cache folder. Sources are tried in order after an
/// existing verified copy; each writes into a fresh staging folder beside the cache, and only a complete,
/// verified set is renamed into place. A failed source leaves nothing behind.
/// </summary>
public static class DatasetFetcher
{
    /// <summary>The folder that holds the dataset's verified files, fetched first when missing or corrupt.</summary>
    public static string Ensure(KnownDataset dataset, DataLocation location, IProgress<string>? log = null, IProgress<DataProgress>? progress = null)
    {
        var folder = location.FolderOf(dataset.Name);
        var unverified = dataset.Files.Where(f => !VerifiedFile.Matches(Path.Combine(folder, f.Name), f)).Select(f => f.Name).ToList();
        if (unverified.Count == 0)
            return folder;
        log?.Report(unverified.Count == dataset.Files.Count && !Directory.Exists(folder)
            ? $"{dataset.Title} is not in {folder} yet: fetching it (first use)"
            : $"{dataset.Title}: {string.Join(", ", unverified)} in {folder} missing or failing its SHA-256 check: fetching again");

        var rootExisted = Directory.Exists(location.Directory);
        RemoveAbandonedStaging(dataset, location, log);
        var failures = new List<string>();
        try
        {
            foreach (var source in dataset.Sources)
            {
                log?.Report($"{dataset.Title}: trying {source.Description}");
                var staging = Path.Combine(location.Directory, $"{StagingPrefix(dataset)}{Environment.ProcessId}-{Guid.NewGuid():N}");
                try
                {
                    Directory.CreateDirectory(staging);
                }
                catch (Exception e) when (StorageException.IsStorageFailure(e))
                {
                    throw StorageException.From(e, location.Directory, $"fetch {dataset.Title} into this data cache", CacheAdvice);
                }
                try
                {
                    source.FetchInto(dataset, staging, progress);
                    Directory.CreateDirectory(folder);
                    foreach (var file in dataset.Files)
                        File.Move(Path.Combine(staging, file.Name), Path.Combine(folder, file.Name), overwrite: true);
                    log?.Report($"{dataset.Title}: fetched from {source.Description}, every file's SHA-256 verified");
                    return folder;
                }
                catch (Exception e) when (StorageCause.IsLocalRefusal(e))
                {
                    throw StorageException.From(e, location.Directory, $"fetch {dataset.Title} into this data cache", CacheAdvice);
                }
                catch (Exception e) when (e is DataSourceException or IOException or InvalidDataException or System.ComponentModel.Win32Exception)
                {
                    failures.Add($"{source.Description}: {e.Message}");
                    log?.Report($"{dataset.Title}: {source.Description} failed: {e.Message}");
                }
                finally
                {
                    if (Directory.Exists(staging))
                        Directory.Delete(staging, recursive: true);
                }
            }
        }
        finally
        {
            if (!rootExisted && Directory.Exists(location.Directory) && !Directory.EnumerateFileSystemEntries(location.Directory).Any())
                Directory.Delete(location.Directory);
        }
        throw new UserInputException(FailureMessage(dataset, folder, failures));
    }

    private static readonly string CacheAdvice = $"--data-dir (or ${DataLocation.EnvironmentVariable}) chooses another folder";

    /// <summary>The staging folders of <paramref name="dataset"/> start with this, then the fetching process's id.</summary>
    private static string StagingPrefix(KnownDataset dataset) => $".{dataset.Name}.fetching-";

    /// <summary>
    /// Removes the staging folders that a fetch stopped by a signal or a kill left behind: those of processes that have
    /// ended. A fetch still running in another process keeps its own.
    /// </summary>
    private static void RemoveAbandonedStaging(KnownDataset dataset, DataLocation location, IProgress<string>? log)
    {
        if (!Directory.Exists(location.Directory))
            return;
        foreach (var staging in Directory.EnumerateDirectories(location.Directory, $"{StagingPrefix(dataset)}*"))
        {
            var owner = Path.GetFileName(staging)[StagingPrefix(dataset).Length..].Split('-')[0];
            if (int.TryParse(owner, out var id) && RunningProcess.IsAlive(id))
                continue;
            try
            {
                Directory.Delete(staging, recursive: true);
                log?.Report($"{dataset.Title}: removed {staging}, left by a fetch that was stopped");
            }
            catch (Exception e) when (StorageException.IsStorageFailure(e))
            {
                log?.Report($"{dataset.Title}: could not remove {staging}, left by a fetch that was stopped: {StorageCause.Of(e, staging)}");
            }
        }
    }

    private static string FailureMessage(KnownDataset dataset, string folder, List<string> failures)
    {
        var lines = new List<string> { $"could not fetch {dataset.Title} into {folder}; every source failed:" };
        lines.AddRange(failures.Select(f => $"  - {f}"));
        lines.Add("To fetch it by hand, either:");
        lines.AddRange(dataset.Sources.Select(s => $"  - {s.ByHand(dataset, folder)}"));
        return string.Join(Environment.NewLine, lines);
    }
}
