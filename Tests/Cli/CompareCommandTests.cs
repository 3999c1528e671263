using System.Text.Json;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Cli.Figures;
using IlgpuSiamese.Tests.Support;
using SixLabors.ImageSharp;

namespace IlgpuSiamese.Tests.Cli;

/// <summary>compare, embed and evaluate --oneshot end to end on an untrained model and synthetic images, on the CPU accelerator.</summary>
public class CompareCommandTests
{
    private TempFolder temp = null!;
    private string model = null!;

    [SetUp]
    public void CreateFiles()
    {
        temp = new TempFolder();
        model = TestModels.Untrained(temp["model.siamese"]);
        Directory.CreateDirectory(temp["set"]);
        for (var i = 0; i < 5; i++)
            TestImages.Square(temp[$"set/img{i}.png"], 20 + 10 * i, 28, background: 0, square: (byte)(50 * i + 55));
        TestImages.Square(temp["set/paper.jpg"], 28, 28, background: 255, square: 0);
    }

    [TearDown]
    public void DeleteFiles() => temp.Dispose();

    private string[] Run(params string[] args) => [.. args, "--model", model, "--device", "cpu"];

    private static JsonElement Json(CliRunner.Result result)
    {
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        return JsonDocument.Parse(result.Out).RootElement;
    }

    [Test]
    public void TwoImagesGiveASimilarityAndADecisionAtTheModelsThreshold()
    {
        var json = Json(CliRunner.Run(Run("compare", temp["set/img1.png"], temp["set/img4.png"], "--json")));

        var similarity = json.GetProperty("similarity").GetDouble();
        Assert.That(similarity, Is.InRange(0.0, 1.0));
        Assert.That(json.GetProperty("threshold").GetDouble(), Is.EqualTo(0.5));
        Assert.That(json.GetProperty("same").GetBoolean(), Is.EqualTo(similarity >= 0.5));
        Assert.That(json.GetProperty("first").GetString(), Is.EqualTo(temp["set/img1.png"]));
    }

    [Test]
    public void AnImageIsMostSimilarToItself()
    {
        var json = Json(CliRunner.Run(Run("compare", temp["set/img2.png"], temp["set/img2.png"], "--json")));
        Assert.That(json.GetProperty("similarity").GetDouble(), Is.GreaterThan(0.999));
    }

    [Test]
    public void TwoImagesDrawnLargeUnderTheirSimilarity()
    {
        var result = CliRunner.Run(Run("compare", temp["set/img1.png"], temp["set/paper.jpg"], "--out", temp["pair.png"]));

        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Out, Does.Contain("Similarity: "));
        var info = Image.Identify(temp["pair.png"]);
        Assert.That((info.Width, info.Height), Is.EqualTo(PairMontage.Size(1, 280)));
    }

    [Test]
    public void AListOfPairsGivesACsvAndAGrid()
    {
        File.WriteAllText(temp["set/list.csv"], "a,b\nimg0.png,img1.png\nimg2.png,paper.jpg\nimg3.png,img3.png\n");

        var result = CliRunner.Run(Run("compare", "--pairs", temp["set/list.csv"], "--csv", temp["out.csv"], "--out", temp["grid.png"]));

        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        var lines = File.ReadAllLines(temp["out.csv"]);
        Assert.That(lines[0], Is.EqualTo("first,second,similarity,same"));
        Assert.That(lines, Has.Length.EqualTo(4));
        Assert.That(lines[3], Does.StartWith($"{temp["set/img3.png"]},{temp["set/img3.png"]},").And.EndWith(",true"));
        var info = Image.Identify(temp["grid.png"]);
        Assert.That((info.Width, info.Height), Is.EqualTo(PairMontage.Size(3)));
    }

    [Test]
    public void RandomPairsFromAFolderAreSeeded()
    {
        string[] args = ["compare", "--dir", temp["set"], "--count", "7", "--seed", "9", "--json"];
        var first = Json(CliRunner.Run(Run(args))).GetProperty("pairs");
        var again = Json(CliRunner.Run(Run(args))).GetProperty("pairs");

        Assert.That(first.GetArrayLength(), Is.EqualTo(7));
        Assert.That(again.ToString(), Is.EqualTo(first.ToString()));
    }

    [Test]
    public void EmbedWritesOneRowPerImage()
    {
        var result = CliRunner.Run(Run("embed", "--dir", temp["set"], "--out", temp["embeddings.csv"]));

        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        var rows = File.ReadAllLines(temp["embeddings.csv"]).Select(l => l.Split(',')).ToList();
        Assert.That(rows[0], Is.EqualTo(new[] { "path" }.Concat(Enumerable.Range(0, 48).Select(k => $"e{k}"))));
        Assert.That(rows.Skip(1).Select(r => r[0]), Is.EqualTo(new[] { "img0.png", "img1.png", "img2.png", "img3.png", "img4.png", "paper.jpg" }.Select(f => temp[$"set/{f}"])));
        Assert.That(rows.Skip(1).SelectMany(r => r.Skip(1)).Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)), Is.All.Matches<float>(float.IsFinite));
        Assert.That(rows.Skip(1), Is.All.Length.EqualTo(49));
    }

    [Test]
    public void EvaluateJsonHasTheMetricsAndOneShotAccuracy()
    {
        IdxFiles.WriteDataset(temp["digits"], classes: 3, trainPerClass: 24, testPerClass: 4, side: 28);

        var json = Json(CliRunner.Run(Run("evaluate", "--dataset", temp["digits"], "--data-dir", temp["cache"], "--oneshot", "3", "--trials", "50", "--json")));

        foreach (var metric in new[] { "accuracy", "auc", "eer", "threshold", "bestThreshold" })
            Assert.That(json.GetProperty(metric).GetDouble(), Is.InRange(0.0, 1.0), metric);
        var oneShot = json.GetProperty("oneShot");
        Assert.That((oneShot.GetProperty("ways").GetInt32(), oneShot.GetProperty("trials").GetInt32()), Is.EqualTo((3, 50)));
        Assert.That(oneShot.GetProperty("accuracy").GetDouble(), Is.InRange(0.0, 1.0));
    }
}
