namespace IlgpuSiamese.Benchmarks.EndToEnd;

/// <summary>
/// Makes TorchSharp 0.107.0's native bridge loadable on Debian 12 before anything touches TorchSharp.
/// libLibTorchSharp.so asks for GLIBCXX_3.4.32, which Debian 12's libstdc++ (3.4.30) lacks; the one symbol
/// under that version has no relocation against it, so marking the requirement weak (VER_FLG_WEAK) is
/// enough. Only the copy in this program's own output folder is edited,
/// never a package cache; the edit replaces the file rather than writing through it, and is idempotent.
/// </summary>
public static class TorchSharpNative
{
    public const string Library = "libLibTorchSharp.so";
    public const string MissingVersion = "GLIBCXX_3.4.32";

    /// <summary>What was done to each copy found, one line each; empty off Linux.</summary>
    public static IReadOnlyList<string> EnsureLoadable()
    {
        if (!OperatingSystem.IsLinux())
            return [];
        var baseDirectory = AppContext.BaseDirectory;
        var lines = new List<string>();
        foreach (var path in Directory.EnumerateFiles(baseDirectory, Library, SearchOption.AllDirectories))
        {
            var full = Path.GetFullPath(path);
            if (IsInPackageCache(full))
            {
                lines.Add($"{full}: in a package cache, left alone");
                continue;
            }
            var result = ElfVersionNeeds.MarkWeakInFile(full, MissingVersion);
            lines.Add($"{Path.GetRelativePath(baseDirectory, full)}: {MissingVersion} {result switch
            {
                WeakMarking.Marked => "requirement marked weak",
                WeakMarking.AlreadyWeak => "requirement already weak",
                _ => "not required",
            }}");
        }
        return lines;
    }

    private static bool IsInPackageCache(string path)
    {
        var roots = new[]
        {
            Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        };
        var resolved = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        return roots.Any(root => !string.IsNullOrEmpty(root) &&
                                 (resolved.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                                  || path.StartsWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar, StringComparison.Ordinal)));
    }
}
