using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training.Data;
using IlgpuSiamese.Training.Models;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace IlgpuSiamese.Tests.Library;

/// <summary>
/// The library's facade on OpenCL (PoCL here and in CI) with the bundled model and the sample digits: the numbers of the
/// CLI's own path, the same in batches as one by one and from every kind of image source, from many threads at once.
/// </summary>
public class SiameseModelTests
{
    private const string Device = "opencl";
    private SiameseModel model = null!;
    private string samples = null!;

    [OneTimeSetUp]
    public void LoadBundledModel()
    {
        Backends.Open("opencl:0");
        samples = Path.Combine(Repository.Root(), "samples");
        model = SiameseModel.LoadBundled(Device);
    }

    [OneTimeTearDown]
    public void DisposeModel() => model.Dispose();

    private string Sample(string name) => Path.Combine(samples, name);

    private SiameseImage[] Digits() => Directory.GetFiles(samples, "*.png").Order(StringComparer.Ordinal).Select(SiameseImage.FromFile).ToArray();

    /// <summary>Pairs of the samples: same digits, different digits, an image with itself.</summary>
    private (SiameseImage, SiameseImage)[] Pairs()
    {
        var digits = Digits();
        return [.. Enumerable.Range(0, digits.Length).Select(i => (digits[i], digits[(i * 5 + 1) % digits.Length])), (digits[0], digits[1]), (digits[3], digits[3])];
    }

    [Test]
    public void CompareGivesTheSimilarityOfTheClisPath()
    {
        var files = new[] { Sample("0_10.png"), Sample("6_11.png") };
        using var loaded = new LoadedModel(Path.Combine(Repository.Root(), "models", "mnist.siamese"), Backends.Open("opencl:0"));
        var images = GrayImages.Read("images", files, loaded.Input.Height, loaded.Input.Width, loaded.Header.InputPreparation, InvertMode.Auto);
        var expected = loaded.Similarities(images, new PairSet([0], [1], new float[1]))[0];

        var result = model.Compare(SiameseImage.FromFile(files[0]), SiameseImage.FromFile(files[1]));

        Assert.That(result.Similarity, Is.EqualTo(expected));
        Assert.That(result.Threshold, Is.EqualTo(loaded.Header.Threshold));
        Assert.That(result.Same, Is.EqualTo(expected >= loaded.Header.Threshold));
    }

    [Test]
    public void SameDigitsAreCalledSameAndDifferentOnesDifferent()
    {
        Assert.That(model.Compare(SiameseImage.FromFile(Sample("9_7.png")), SiameseImage.FromFile(Sample("9_9.png"))).Same, Is.True);
        Assert.That(model.Compare(SiameseImage.FromFile(Sample("1_2.png")), SiameseImage.FromFile(Sample("7_0.png"))).Same, Is.False);
    }

    [Test]
    public void ABatchOfPairsGivesWhatEachPairGivesAlone()
    {
        var pairs = Pairs();

        var batch = model.Compare(pairs);

        Assert.That(batch, Is.EqualTo(pairs.Select(p => model.Compare(p.Item1, p.Item2)).ToArray()));
    }

    [Test]
    public void PairsOfPositionsInOneListGiveWhatThePairsOfImagesGive()
    {
        var prepared = Digits().Select(d => model.Prepare(d)).ToList();
        (int, int)[] positions = [(0, 1), (4, 4), (7, 2), (1, 0)];

        var byPosition = model.Compare(prepared, positions);

        Assert.That(byPosition, Is.EqualTo(model.Compare(positions.Select(p => (prepared[p.Item1], prepared[p.Item2])).ToList())));
        Assert.That(() => model.Compare(prepared, [(0, prepared.Count)]), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void ABatchOfEmbeddingsIsEachImagesEmbeddingAlone()
    {
        var digits = Digits();

        var batch = model.Embed(digits);

        Assert.That(batch, Has.Length.EqualTo(digits.Length));
        for (var i = 0; i < digits.Length; i++)
        {
            Assert.That(batch[i], Has.Length.EqualTo(model.EmbeddingSize));
            Assert.That(batch[i], Is.EqualTo(model.Embed(digits[i])), digits[i].Name);
        }
        Assert.That(batch[0], Is.Not.EqualTo(batch[1]), "different digits, different embeddings");
    }

    [Test]
    public void AFileItsBytesAndAStreamOfThemArePreparedAlike()
    {
        var path = Sample("5_8.png");
        var bytes = File.ReadAllBytes(path);
        using var stream = new MemoryStream(bytes);

        var fromFile = model.Prepare(SiameseImage.FromFile(path));
        var fromBytes = model.Prepare(SiameseImage.FromBytes(bytes, "5_8.png"));
        var fromStream = model.Prepare(SiameseImage.FromStream(stream, "upload"));

        Assert.That(fromBytes.Pixels.ToArray(), Is.EqualTo(fromFile.Pixels.ToArray()));
        Assert.That(fromStream.Pixels.ToArray(), Is.EqualTo(fromFile.Pixels.ToArray()));
        Assert.That((fromFile.Height, fromFile.Width), Is.EqualTo((model.InputHeight, model.InputWidth)));
        Assert.That(fromFile.Pixels.ToArray().Distinct().Count(), Is.GreaterThan(2), "a digit, not a blank");
        Assert.That((fromFile.Name, fromStream.Name), Is.EqualTo((path, "upload")));
    }

    [Test]
    public void PixelsDecodedFromAFileArePreparedAsTheFileIs()
    {
        var path = Sample("2_1.png");
        using var image = Image.Load<L8>(path);
        var gray = new byte[image.Width * image.Height];
        image.CopyPixelDataTo(gray);

        var fromPixels = model.Prepare(SiameseImage.FromPixels(gray, image.Height, image.Width));

        Assert.That(fromPixels.Pixels.ToArray(), Is.EqualTo(model.Prepare(SiameseImage.FromFile(path)).Pixels.ToArray()));
        Assert.That(() => model.Prepare(SiameseImage.FromPixels(gray, image.Height + 1, image.Width, "short")),
            Throws.TypeOf<UserInputException>().With.Message.StartsWith("short: "));
    }

    [Test]
    public void ThePreparedImageIsAPngOfItsPixels()
    {
        var prepared = model.Prepare(SiameseImage.FromFile(Sample("7_0.png")));

        using var png = Image.Load<L8>(prepared.ToPng());
        var pixels = new byte[png.Width * png.Height];
        png.CopyPixelDataTo(pixels);

        Assert.That((png.Height, png.Width), Is.EqualTo((prepared.Height, prepared.Width)));
        Assert.That(pixels, Is.EqualTo(prepared.Pixels.ToArray()));
    }

    [Test]
    public void TheBundledModelIsTheRepositorysModelFile()
    {
        using var fromFile = SiameseModel.Load(Path.Combine(Repository.Root(), "models", "mnist.siamese"), Device);
        var pairs = Pairs();

        Assert.That(model.Name, Is.EqualTo(SiameseModel.BundledName));
        Assert.That((model.Threshold, model.EmbeddingSize, model.Preparation), Is.EqualTo((fromFile.Threshold, fromFile.EmbeddingSize, fromFile.Preparation)));
        Assert.That(model.Compare(pairs), Is.EqualTo(fromFile.Compare(pairs)));
        Assert.That(model.Embed(Digits()), Is.EqualTo(fromFile.Embed(Digits())));
        Assert.That(model.DeviceKind, Is.EqualTo(IlgpuSiamese.Kernels.Devices.DeviceKind.OpenCL));
        Assert.That(model.DeviceAdvice, Is.Null, "the caller chose the device");
    }

    [Test]
    public void ConcurrentCallersGetWhatOneCallerGets()
    {
        var pairs = Pairs();
        var digits = Digits();
        var expectedComparisons = pairs.Select(p => model.Compare(p.Item1, p.Item2)).ToArray();
        var expectedEmbeddings = model.Embed(digits);
        var start = new Barrier(6);

        var results = Enumerable.Range(0, 6).Select(t => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            var comparisons = Enumerable.Range(0, pairs.Length).Select(i => (i + t) % pairs.Length)
                .Select(i => (i, model.Compare(pairs[i].Item1, pairs[i].Item2))).ToList();
            var embeddings = t % 2 == 0 ? model.Embed(digits) : digits.Select(d => model.Embed(d)).ToArray();
            return (comparisons, embeddings);
        }, TaskCreationOptions.LongRunning)).ToArray();
        Task.WaitAll(results);

        foreach (var (comparisons, embeddings) in results.Select(r => r.Result))
        {
            foreach (var (i, comparison) in comparisons)
                Assert.That(comparison, Is.EqualTo(expectedComparisons[i]), $"pair {i}");
            Assert.That(embeddings, Is.EqualTo(expectedEmbeddings));
        }
    }

    [TestCase("garbage")]
    [TestCase("truncated")]
    public void AFileThatIsNotAnImageIsRefusedByName(string kind)
    {
        using var temp = new TempFolder();
        var path = TestImages.Bad(temp.Path, kind);

        Assert.That(() => model.Compare(SiameseImage.FromFile(path), SiameseImage.FromFile(Sample("0_3.png"))),
            Throws.TypeOf<UserInputException>().With.Message.StartsWith($"{path}: "));
        Assert.That(() => model.Embed(SiameseImage.FromBytes(File.ReadAllBytes(path), "upload.png")),
            Throws.TypeOf<UserInputException>().With.Message.StartsWith("upload.png: "));
    }

    [Test]
    public void AMissingFileIsRefusedByName()
    {
        var path = Sample("missing.png");

        Assert.That(() => model.Embed(SiameseImage.FromFile(path)),
            Throws.TypeOf<UserInputException>().With.Message.EqualTo($"{path}: no such image file"));
    }

    [Test]
    public void AnImageWithoutInkIsRefusedByName()
    {
        using var temp = new TempFolder();
        var path = TestImages.NoInk(temp.Path, "white");

        Assert.That(() => model.Compare(SiameseImage.FromFile(Sample("0_3.png")), SiameseImage.FromFile(path)),
            Throws.TypeOf<UserInputException>().With.Message.StartsWith($"{path}: ").And.Message.Contains("ink"));
    }

    [Test]
    public void ADisposedModelRefusesEveryCall()
    {
        var disposed = SiameseModel.LoadBundled(Device);
        var prepared = disposed.Prepare(SiameseImage.FromFile(Sample("0_3.png")));
        disposed.Dispose();
        disposed.Dispose();
        var image = SiameseImage.FromFile(Sample("0_10.png"));

        Assert.That(() => disposed.Compare(image, image), Throws.TypeOf<ObjectDisposedException>());
        Assert.That(() => disposed.Compare([(prepared, prepared)]), Throws.TypeOf<ObjectDisposedException>());
        Assert.That(() => disposed.Embed(image), Throws.TypeOf<ObjectDisposedException>());
        Assert.That(() => disposed.Embed([prepared]), Throws.TypeOf<ObjectDisposedException>());
        Assert.That(() => disposed.Prepare(image), Throws.TypeOf<ObjectDisposedException>());
    }

    [Test]
    public void NothingToCompareOrEmbedGivesNothing()
    {
        Assert.That(model.Compare(Array.Empty<(SiameseImage, SiameseImage)>()), Is.Empty);
        Assert.That(model.Embed(Array.Empty<SiameseImage>()), Is.Empty);
    }
}
