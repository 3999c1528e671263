namespace IlgpuSiamese.Training.Data;

/// <summary>The cache folder that holds fetched datasets, one subfolder each (mnist/, fashion-mnist/).</summary>
public sealed record DataLocation(string Directory)
{
    public const string EnvironmentVariable = "ILGPU_SIAMESE_DATA";

    public static string DefaultDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "ilgpu-siamese");

    /// <summary>The --data-dir option when given, else $ILGPU_SIAMESE_DATA, else ~/.cache/ilgpu-siamese.</summary>
    public static DataLocation Resolve(string? dataDirOption)
    {
        var chosen = !string.IsNullOrWhiteSpace(dataDirOption) ? dataDirOption
            : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
            : DefaultDirectory;
        return new DataLocation(Path.GetFullPath(chosen));
    }

    public string FolderOf(string datasetName) => Path.Combine(Directory, datasetName);
}
