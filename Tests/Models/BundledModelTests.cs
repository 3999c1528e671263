using IlgpuSiamese.Cli;
using IlgpuSiamese.DigitPhotos;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training.Data;
using IlgpuSiamese.Training.Metrics;
using IlgpuSiamese.Training.Models;

namespace IlgpuSiamese.Tests.Models;

/// <summary>
/// The bundled model (models/mnist.siamese, committed with the repository) on the committed samples/ digits, as they
/// are and rendered as photos and scans. SIAMESE_TEST_MODEL points the tests at another model file. A missing model
/// fails: a fresh clone must have one.
/// </summary>
public class BundledModelTests
{
    public const string ModelVariable = "SIAMESE_TEST_MODEL";

    [Test]
    public void SameDigitPairsScoreHigherThanDifferentDigitPairs()
    {
        var path = ModelPath();
        var files = GrayImages.FilesIn(Path.Combine(Repository.Root(), "samples"));
        var digits = files.Select(f => Path.GetFileName(f).Split('_')[0]).ToArray();
        using var model = new LoadedModel(path, Backends.Open("cpu:0"));
        var images = GrayImages.Read("samples", files, model.Input.Height, model.Input.Width, model.Header.InputPreparation, InvertMode.Auto);
        var pairs = (from i in Enumerable.Range(0, files.Count) from j in Enumerable.Range(i + 1, files.Count - i - 1) select (i, j)).ToArray();
        var labels = pairs.Select(p => digits[p.i] == digits[p.j] ? 1f : 0f).ToArray();

        var scores = model.Similarities(images, new PairSet(pairs.Select(p => p.i).ToArray(), pairs.Select(p => p.j).ToArray(), labels));

        var same = scores.Where((_, p) => labels[p] == 1f).ToList();
        var different = scores.Where((_, p) => labels[p] == 0f).ToList();
        Assert.That(same, Has.Count.GreaterThanOrEqualTo(3), "samples/ holds several same-digit pairs");
        var auc = PairMetrics.Auc(scores, labels);
        TestContext.Out.WriteLine($"{path}: same-digit mean {same.Average():0.000} (min {same.Min():0.000}), different-digit mean {different.Average():0.000} (max {different.Max():0.000}), AUC {auc:0.000}");
        Assert.That(same.Average(), Is.GreaterThan(different.Average() + 0.2), "mean similarity, same digits vs different digits");
        Assert.That(auc, Is.GreaterThan(0.9), "same-digit pairs rank above different-digit pairs");
    }

    [Test]
    public void ItRecordsThatItsImagesArePreparedMnistStyle()
    {
        using var model = new LoadedModel(Path.Combine(Repository.Root(), ModelOption.BundledModel), Backends.Open("cpu:0"));

        Assert.That((model.Header.Preparation, model.Header.InputPreparation), Is.EqualTo(((ImagePreparation?)ImagePreparation.Mnist, ImagePreparation.Mnist)));
    }

    [TestCase(PhotoKind.Jpeg)]
    [TestCase(PhotoKind.Inverted)]
    [TestCase(PhotoKind.Coloured)]
    [TestCase(PhotoKind.OffCentre)]
    [TestCase(PhotoKind.Boxed)]
    [TestCase(PhotoKind.SideLit)]
    [TestCase(PhotoKind.Thick)]
    [TestCase(PhotoKind.Rotated)]
    [TestCase(PhotoKind.Blurred)]
    public void PhotosOfTheSamplesArePairedRight(PhotoKind kind)
    {
        var samples = GrayImages.FilesIn(Path.Combine(Repository.Root(), "samples"));
        using var temp = new TempFolder();
        var random = new Random(42);
        var photos = samples.Select(f => DigitRenderer.Render(kind, GrayImages.Read(f, 28, 28, ImagePreparation.Stretch, InvertMode.No), random,
            temp[Path.GetFileNameWithoutExtension(f)])).ToList();
        var digits = samples.Select(f => Path.GetFileName(f).Split('_')[0]).ToArray();
        using var model = new LoadedModel(ModelPath(), Backends.Open("cpu:0"));
        var images = GrayImages.Read("photos", photos, model.Input.Height, model.Input.Width, model.Header.InputPreparation, InvertMode.Auto);
        var pairs = (from i in Enumerable.Range(0, photos.Count) from j in Enumerable.Range(i + 1, photos.Count - i - 1) select (i, j)).ToArray();
        var labels = pairs.Select(p => digits[p.i] == digits[p.j] ? 1f : 0f).ToArray();

        var scores = model.Similarities(images, new PairSet(pairs.Select(p => p.i).ToArray(), pairs.Select(p => p.j).ToArray(), labels));

        var accuracy = PairMetrics.Accuracy(scores, labels, model.Header.Threshold);
        TestContext.Out.WriteLine($"{kind}: {pairs.Length} pairs of {photos.Count} samples, accuracy {accuracy:0.000}");
        Assert.That(accuracy, Is.GreaterThanOrEqualTo(0.95));
    }

    private static string ModelPath()
    {
        var path = Environment.GetEnvironmentVariable(ModelVariable) is { Length: > 0 } chosen ? chosen : Path.Combine(Repository.Root(), ModelOption.BundledModel);
        if (!File.Exists(path))
            Assert.Fail($"{path} is missing: the bundled model must be committed (or set {ModelVariable} to a model file to test)");
        return path;
    }
}
