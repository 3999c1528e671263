using IlgpuSiamese.Network;

namespace IlgpuSiamese.Training.Data;

/// <summary>
/// Loads a dataset by name (mnist, fashion-mnist: fetched on first use) or by folder (IDX files or one image subfolder
/// per class). An image folder is prepared as <c>Load</c>'s <c>imageFolderPreparation</c> says (default: stretched);
/// a folder of IDX files holds digits made as MNIST's were.
/// </summary>
public static class Datasets
{
    public static DatasetSplit Load(string dataset, DataLocation location, IProgress<string>? log = null, bool strict = false, int size = 28,
        IProgress<DataProgress>? progress = null, ImagePreparation? imageFolderPreparation = null)
    {
        if (size < 1 || size > IdxReader.MaxSide)
            throw new UserInputException($"image size {size} is outside 1..{IdxReader.MaxSide}");
        if (KnownDataset.Find(dataset) is { } known)
            return IdxFolder.Load(DatasetFetcher.Ensure(known, location, log, progress), known.Name, known.ClassNames, size, known.Preparation);

        var path = Path.GetFullPath(dataset);
        if (File.Exists(path))
            throw new UserInputException($"{path}: a dataset is a folder (of IDX files, or with one subfolder of images per class), not a file");
        if (!Directory.Exists(path))
            throw new UserInputException($"unknown dataset '{dataset}': use {string.Join(", ", KnownDataset.All.Select(d => d.Name))}, a folder of IDX files, or an image folder with one subfolder per class");
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
        return IdxFolder.Holds(path)
            ? IdxFolder.Load(path, name, classNames: null, size, ImagePreparation.Mnist)
            : ImageFolder.Load(path, size, strict, log, progress, imageFolderPreparation ?? ImagePreparation.Stretch);
    }

    /// <summary>How a known dataset's or a folder of IDX files' images were made (a known dataset's own, MNIST-style for IDX files); null for anything else.</summary>
    public static ImagePreparation? PreparedAs(string dataset) =>
        KnownDataset.Find(dataset) is { } known ? known.Preparation
        : Directory.Exists(dataset) && IdxFolder.Holds(dataset) ? ImagePreparation.Mnist
        : null;
}
