using IlgpuSiamese.Network;

namespace IlgpuSiamese.Training.Data;

/// <summary>
/// A folder with MNIST's four IDX file names (train-images-idx3-ubyte, train-labels-idx1-ubyte,
/// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte), each raw or with .gz. Without class names the
/// classes are 0..(largest training label).
/// </summary>
public static class IdxFolder
{
    private const string TrainImages = "train-images-idx3-ubyte";
    private const string TrainLabels = "train-labels-idx1-ubyte";
    private const string TestImages = "t10k-images-idx3-ubyte";
    private const string TestLabels = "t10k-labels-idx1-ubyte";

    public static bool Holds(string folder) => Find(folder, TrainImages) is not null;

    public static DatasetSplit Load(string folder, string name, IReadOnlyList<string>? classNames, int size, ImagePreparation preparation)
    {
        var (trainImages, trainLabels) = IdxReader.ReadPair(Require(folder, TrainImages), Require(folder, TrainLabels), classNames?.Count ?? 256);
        classNames ??= Enumerable.Range(0, trainLabels.Max() + 1).Select(c => c.ToString()).ToList();
        var testImagesPath = Require(folder, TestImages);
        var (testImages, testLabels) = IdxReader.ReadPair(testImagesPath, Require(folder, TestLabels), classNames.Count);
        if ((testImages.Rows, testImages.Columns) != (trainImages.Rows, trainImages.Columns))
            throw new UserInputException($"{testImagesPath}: images of {testImages.Rows}x{testImages.Columns}, but the training images are {trainImages.Rows}x{trainImages.Columns}");
        return new DatasetSplit(
            ToLabelled(name, trainImages, trainLabels, classNames, size),
            ToLabelled(name, testImages, testLabels, classNames, size),
            preparation);
    }

    private static LabelledImages ToLabelled(string name, IdxImages images, byte[] labels, IReadOnlyList<string> classNames, int size)
    {
        var pixels = images.Pixels;
        if (images.Rows != size || images.Columns != size)
        {
            var side = images.Rows * images.Columns;
            pixels = new byte[images.Count * size * size];
            for (var i = 0; i < images.Count; i++)
                GrayImages.Resize(images.Pixels.AsSpan(i * side, side), images.Rows, images.Columns, size).CopyTo(pixels, i * size * size);
        }
        return new LabelledImages(name, size, size, pixels, Array.ConvertAll(labels, l => (int)l), classNames);
    }

    private static string? Find(string folder, string file) =>
        new[] { file, file + ".gz" }.Select(f => Path.Combine(folder, f)).FirstOrDefault(File.Exists);

    private static string Require(string folder, string file) =>
        Find(folder, file) ?? throw new UserInputException($"{folder}: no {file} (or {file}.gz); an IDX dataset folder needs {TrainImages}, {TrainLabels}, {TestImages} and {TestLabels}");
}
