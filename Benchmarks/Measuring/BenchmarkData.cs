using IlgpuSiamese.Network;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Measuring;

/// <summary>
/// The images and pairs a benchmark runs on: MNIST when its verified files are already in the cache
/// (a benchmark never fetches), else synthetic 28×28 images of ten classes, so that it runs anywhere.
/// Training pairs are drawn from the training images as the trainer draws them; inference pairs from the
/// test images as evaluation draws them. Every engine in a run gets these same arrays.
/// </summary>
public sealed class BenchmarkData
{
    public const int SyntheticImagesPerClass = 300;

    public required LabelledImages Train { get; init; }
    public required LabelledImages Test { get; init; }
    public required PairSet TrainPairs { get; init; }
    public required PairSet TestPairs { get; init; }
    public required bool Synthetic { get; init; }

    /// <summary>One line: where the images came from.</summary>
    public required string Source { get; init; }

    /// <summary>MNIST from <paramref name="dataDir"/> (null: the usual cache) when it is there, else synthetic images.</summary>
    public static BenchmarkData Load(string? dataDir, int seed, IProgress<string>? log = null)
    {
        var location = DataLocation.Resolve(dataDir);
        var folder = location.FolderOf(KnownDataset.Mnist.Name);
        var cached = KnownDataset.Mnist.Files.All(f =>
            File.Exists(Path.Combine(folder, f.Name)) && new FileInfo(Path.Combine(folder, f.Name)).Length == f.Length);
        if (cached)
        {
            try
            {
                var split = Datasets.Load(KnownDataset.Mnist.Name, location, log);
                return FromSplit(split, seed, false, $"MNIST from {folder}");
            }
            catch (UserInputException e)
            {
                log?.Report($"MNIST in {folder} could not be read ({e.Message}); using synthetic images.");
            }
        }
        return CreateSynthetic(seed, $"synthetic images (MNIST is not in {folder}; `siamese data fetch mnist` puts it there)");
    }

    /// <summary>Ten classes of 28×28 images: each class a few bright strokes of its own, each image those strokes shifted, with noise.</summary>
    public static BenchmarkData CreateSynthetic(int seed, string source = "synthetic images", int imagesPerClass = SyntheticImagesPerClass)
    {
        var train = SyntheticImages("synthetic", seed, imagesPerClass);
        var test = SyntheticImages("synthetic-test", seed + 1, Math.Max(2, imagesPerClass / 6));
        return FromSplit(new DatasetSplit(train, test, ImagePreparation.Mnist), seed, true, source);
    }

    private static BenchmarkData FromSplit(DatasetSplit split, int seed, bool synthetic, string source) => new()
    {
        Train = split.Train,
        Test = split.Test,
        // The trainer's draws: its training pairs come from seed, its test pairs from seed + 2.
        TrainPairs = PairBuilder.Build(split.Train, seed),
        TestPairs = Trainer.TestPairs(split.Test, seed, cap: null),
        Synthetic = synthetic,
        Source = source,
    };

    private static LabelledImages SyntheticImages(string name, int seed, int perClass)
    {
        const int side = 28, classes = 10;
        var random = new Random(seed);
        var strokes = Enumerable.Range(0, classes)
            .Select(_ => Enumerable.Range(0, 3).Select(_ => (X0: random.Next(4, 24), Y0: random.Next(4, 24), X1: random.Next(4, 24), Y1: random.Next(4, 24))).ToArray())
            .ToArray();
        var count = classes * perClass;
        var pixels = new byte[count * side * side];
        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            var label = i % classes;
            labels[i] = label;
            var image = pixels.AsSpan(i * side * side, side * side);
            var (dx, dy) = (random.Next(-2, 3), random.Next(-2, 3));
            foreach (var (x0, y0, x1, y1) in strokes[label])
            {
                for (var t = 0; t <= 20; t++)
                {
                    var x = x0 + (x1 - x0) * t / 20 + dx;
                    var y = y0 + (y1 - y0) * t / 20 + dy;
                    if (x is >= 0 and < side && y is >= 0 and < side)
                        image[y * side + x] = (byte)random.Next(160, 256);
                }
            }
            for (var p = 0; p < 12; p++)
                image[random.Next(side * side)] = (byte)random.Next(0, 128);
        }
        return new LabelledImages(name, side, side, pixels, labels, Enumerable.Range(0, classes).Select(c => c.ToString()).ToArray());
    }
}
