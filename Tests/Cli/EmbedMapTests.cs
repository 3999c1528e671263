using System.Globalization;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training.Maps;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace IlgpuSiamese.Tests.Cli;

/// <summary>
/// <c>siamese embed --map</c>: the embeddings of a folder (a class per subfolder) or of a dataset's test images drawn in
/// the plane, with the bundled model on the CPU accelerator.
/// </summary>
public class EmbedMapTests
{
    private TempFolder temp = null!;
    private static string Samples => Path.Combine(Repository.Root(), "samples");
    private static string Model => Path.Combine(Repository.Root(), "models", "mnist.siamese");

    [SetUp]
    public void CreateFolder() => temp = new TempFolder();

    [TearDown]
    public void DeleteFolder() => temp.Dispose();

    private static CliRunner.Result Embed(params string[] args) => CliRunner.Run(["embed", .. args, "--model", Model, "--device", "cpu"]);

    /// <summary>The samples of digits 0, 1, 4 and 9 (two each), one subfolder per digit.</summary>
    private string DigitFolders()
    {
        foreach (var file in Directory.GetFiles(Samples, "*.png").Where(f => "0149".Contains(Path.GetFileName(f)[0])))
        {
            var digit = Path.Combine(temp["digits"], Path.GetFileName(file)[..1]);
            Directory.CreateDirectory(digit);
            File.Copy(file, Path.Combine(digit, Path.GetFileName(file)));
        }
        return temp["digits"];
    }

    private static float[] CsvEmbeddings(string csv) =>
        File.ReadAllLines(csv).Skip(1).SelectMany(line => line.Split(',').Skip(1).Select(v => float.Parse(v, CultureInfo.InvariantCulture))).ToArray();

    [Test]
    public void APcaMapIsDrawnWithOneColourPerSubfolderBesideTheCsv()
    {
        var result = Embed("--dir", DigitFolders(), "--out", temp["e.csv"], "--map", temp["map.png"], "--projection", "pca");
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        using var image = Image.Load<Rgba32>(temp["map.png"]);
        Assert.That((image.Width, image.Height), Is.EqualTo((1000, 800)));
        // Category10's first four colours (blue, orange, green, red) are the four digits' dots: each is on the map.
        var colours = new[] { new Rgba32(0x1f, 0x77, 0xb4), new Rgba32(0xff, 0x7f, 0x0e), new Rgba32(0x2c, 0xa0, 0x2c), new Rgba32(0xd6, 0x27, 0x28) };
        foreach (var colour in colours)
            Assert.That(CountNear(image, colour), Is.GreaterThan(20), $"dots of {colour}");
        Assert.That(CsvEmbeddings(temp["e.csv"]), Has.Length.EqualTo(8 * 48));
    }

    /// <summary>Pixels within a small distance of <paramref name="colour"/> drawn at 0.85 opacity on white.</summary>
    private static int CountNear(Image<Rgba32> image, Rgba32 colour)
    {
        static int Blend(byte c) => (int)Math.Round(0.85 * c + 0.15 * 255);
        var count = 0;
        image.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
                foreach (var p in rows.GetRowSpan(y))
                    if (Math.Abs(p.R - Blend(colour.R)) + Math.Abs(p.G - Blend(colour.G)) + Math.Abs(p.B - Blend(colour.B)) <= 12)
                        count++;
        });
        return count;
    }

    [Test]
    public void ADatasetsTestImagesAreEmbeddedAndMappedByLabel()
    {
        IdxFiles.WriteDataset(temp["idx"], classes: 3, trainPerClass: 24, testPerClass: 5, side: 28);
        var result = Embed("--dataset", temp["idx"], "--out", temp["e.csv"], "--map", temp["map.png"], "--projection", "pca");
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        var rows = File.ReadAllLines(temp["e.csv"]).Skip(1).Select(l => l.Split(',')[0]).ToList();
        Assert.That(rows, Is.EqualTo(Enumerable.Range(0, 15).Select(i => $"idx:test:{i}")));
        Assert.That(File.Exists(temp["map.png"]));
    }

    [Test]
    public void ATsneMapIsTheDefaultForA48ValueEmbeddingAndRepeatsForASeed()
    {
        var folder = DigitFolders();
        var first = Embed("--dir", folder, "--map", temp["a.png"], "--perplexity", "3", "--seed", "5");
        Assert.That(first.Code, Is.EqualTo(ExitCodes.Ok), first.Error);
        Assert.That(first.Out, Does.Contain("wrote"));
        var again = Embed("--dir", folder, "--map", temp["b.png"], "--perplexity", "3", "--seed", "5");
        Assert.That(again.Code, Is.EqualTo(ExitCodes.Ok), again.Error);
        Assert.That(File.ReadAllBytes(temp["b.png"]), Is.EqualTo(File.ReadAllBytes(temp["a.png"])));
    }

    [Test]
    public void ATsnePerplexityAsLargeAsTheSetIsRefusedByName()
    {
        var result = Embed("--dir", DigitFolders(), "--map", temp["map.png"], "--projection", "tsne");
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.Error, Does.Contain("--perplexity 30").And.Contain("there are 8"));
        Assert.That(File.Exists(temp["map.png"]), Is.False);
    }

    [Test]
    public void ADirectMapNeedsATwoValueEmbedding()
    {
        var result = Embed("--dir", DigitFolders(), "--map", temp["map.png"], "--projection", "direct");
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.Error, Does.Contain("--embedding 2").And.Contain("48"));
        Assert.That(File.Exists(temp["map.png"]), Is.False);
    }

    [Test]
    public void ItNeedsSomethingToWriteAndOneSourceOfImages()
    {
        var folder = DigitFolders();
        Assert.That(Embed("--dir", folder).Error, Does.Contain("--out").And.Contain("--map"));
        var both = Embed("--dir", folder, "--dataset", "mnist", "--out", temp["e.csv"]);
        Assert.That(both.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(both.Error, Does.Contain("--dir").And.Contain("--dataset"));
    }

    [Test]
    public void DirectMapsAreTheEmbeddingsThemselves()
    {
        float[] embeddings = [1, 2, 3, 4, 5, 6];
        var map = EmbeddingMap.Of(embeddings, 3, 2, MapProjection.Direct, device: null!, new());
        Assert.That(map.Points, Is.EqualTo(embeddings));
        Assert.That(EmbeddingMap.DefaultFor(2), Is.EqualTo(MapProjection.Direct));
        Assert.That(EmbeddingMap.DefaultFor(48), Is.EqualTo(MapProjection.Tsne));
    }
}
