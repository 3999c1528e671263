using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Storage;

namespace IlgpuSiamese.Training.Data;

/// <summary>
/// A folder with one subfolder of images (PNG, JPEG, BMP, GIF, WebP) per class (like torchvision's
/// ImageFolder; subfolders of a class folder are searched too). Class names are the subfolder names in
/// ordinal order. With train/ and test/ subfolders, each holding the class folders, those are the split;
/// otherwise the images of each class, in ordinal path order, go to Test every 6th (the 6th, 12th, ...)
/// and to Train the rest. Images become grayscale size x size as <see cref="ImagePreparation"/> says (stretched by
/// default). Stretched or fitted, every image is inverted when the images' borders are light on average, so that 0
/// is the background as in MNIST; MNIST-style, each image is inverted when it is dark on light, before its ink is found.
/// </summary>
public static class ImageFolder
{
    public const int TestEvery = 6;

    public static DatasetSplit Load(string root, int size, bool strict, IProgress<string>? log = null, IProgress<DataProgress>? progress = null,
        ImagePreparation preparation = ImagePreparation.Stretch)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(root));
        var (classes, train, test) = ListFiles(root, log);
        var all = train.Concat(test).ToList();
        var perImage = preparation == ImagePreparation.Mnist ? InvertMode.Auto : InvertMode.No;
        var pixels = Read(all.Select(f => f.Path).ToList(), size, strict, preparation, perImage, $"reading {name}", log, progress);
        if (perImage == InvertMode.No)
            InvertIfDarkOnLight(pixels, size, log);
        var trainSet = Build(name, train, pixels[..train.Count], size, classes);
        var testSet = Build(name, test, pixels[train.Count..], size, classes);
        foreach (var (split, set) in new[] { ("training", trainSet), ("test", testSet) })
        {
            if (set.Count == 0)
                throw new UserInputException($"{root}: no readable images in the {split} split (every {TestEvery}th image of a class is a test image, or give train/ and test/ subfolders)");
        }
        return new DatasetSplit(trainSet, testSet, preparation);
    }

    private static (List<string> Classes, List<(string Path, int Label)> Train, List<(string Path, int Label)> Test) ListFiles(string root, IProgress<string>? log)
    {
        var trainFolder = Path.Combine(root, "train");
        var testFolder = Path.Combine(root, "test");
        if (Directory.Exists(trainFolder) && Directory.Exists(testFolder))
        {
            var classes = ClassFolders(trainFolder);
            var unknown = ClassFolders(testFolder).Except(classes).ToList();
            if (unknown.Count > 0)
                throw new UserInputException($"{testFolder}: class folder(s) {string.Join(", ", unknown)} are not in {trainFolder}");
            return (classes, ImagesOf(trainFolder, classes, log), ImagesOf(testFolder, classes, log: null));
        }
        var allClasses = ClassFolders(root);
        var images = ImagesOf(root, allClasses, log);
        var test = images.GroupBy(f => f.Label).SelectMany(g => g.Where((_, i) => i % TestEvery == TestEvery - 1)).ToHashSet();
        return (allClasses, images.Where(f => !test.Contains(f)).ToList(), images.Where(test.Contains).ToList());
    }

    private static List<string> ClassFolders(string folder)
    {
        var classes = StorageException.Guard(folder, "list its class folders", () => Directory.GetDirectories(folder)).Select(Path.GetFileName).OfType<string>()
            .Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal).ToList();
        if (classes.Count == 0)
            throw new UserInputException($"{folder}: no class subfolders; an image dataset has one subfolder of images per class (like torchvision's ImageFolder)");
        return classes;
    }

    private static List<(string Path, int Label)> ImagesOf(string folder, List<string> classes, IProgress<string>? log)
    {
        var images = new List<(string, int)>();
        for (var label = 0; label < classes.Count; label++)
        {
            var classFolder = Path.Combine(folder, classes[label]);
            if (!Directory.Exists(classFolder))
                continue;
            var files = GrayImages.FilesIn(classFolder);
            if (files.Count == 0)
                log?.Report($"warning: class folder {classFolder} has no PNG, JPEG, BMP, GIF or WebP images");
            images.AddRange(files.Select(f => (f, label)));
        }
        return images;
    }

    private static byte[]?[] Read(List<string> paths, int size, bool strict, ImagePreparation preparation, InvertMode invert, string task,
        IProgress<string>? log, IProgress<DataProgress>? progress)
    {
        var pixels = new byte[]?[paths.Count];
        for (var i = 0; i < paths.Count; i++)
        {
            pixels[i] = GrayImages.TryRead(paths[i], size, size, preparation, invert, out var whyNot);
            if (pixels[i] is null)
            {
                if (strict)
                    throw new UserInputException($"{paths[i]}: {whyNot}");
                log?.Report($"warning: skipped {paths[i]}: {whyNot}");
            }
            progress?.Report(new DataProgress(task, i + 1, paths.Count));
        }
        return pixels;
    }

    private static void InvertIfDarkOnLight(byte[]?[] images, int size, IProgress<string>? log)
    {
        var read = images.OfType<byte[]>().ToList();
        if (read.Count == 0 || read.Average(image => GrayImages.BorderMean(image, size, size)) <= 127)
            return;
        foreach (var image in read)
            GrayImages.Invert(image);
        log?.Report("the images are dark on a light background: inverted to light on dark, as MNIST is");
    }

    private static LabelledImages Build(string name, List<(string Path, int Label)> files, byte[]?[] pixels, int size, List<string> classes)
    {
        var kept = Enumerable.Range(0, files.Count).Where(i => pixels[i] is not null).ToList();
        var all = new byte[kept.Count * size * size];
        for (var k = 0; k < kept.Count; k++)
            pixels[kept[k]]!.CopyTo(all, k * size * size);
        return new LabelledImages(name, size, size, all, kept.Select(i => files[i].Label).ToArray(), classes);
    }
}
