using System.Text.Json;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using SixLabors.ImageSharp;

namespace IlgpuSiamese.Tests.Cli;

/// <summary>
/// search end to end with the bundled model on the committed samples/ digits (named digit_index.png), on the CPU
/// accelerator. The query, itself one of the samples, stays in the gallery: it ranks first, then the other image of its digit.
/// </summary>
public class SearchCommandTests
{
    private TempFolder temp = null!;
    private static string Samples => Path.Combine(Repository.Root(), "samples");
    private static string Model => Path.Combine(Repository.Root(), "models", "mnist.siamese");
    private static string Sample(string name) => Path.Combine(Samples, name + ".png");

    [SetUp]
    public void CreateFolder() => temp = new TempFolder();

    [TearDown]
    public void DeleteFolder() => temp.Dispose();

    private static CliRunner.Result Search(params string[] args) => CliRunner.Run(["search", .. args, "--model", Model, "--device", "cpu"]);

    private static JsonElement[] Results(CliRunner.Result result)
    {
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        return JsonDocument.Parse(result.Out).RootElement.GetProperty("results").EnumerateArray().ToArray();
    }

    private static string Digit(JsonElement found) => Path.GetFileName(found.GetProperty("file").GetString()!).Split('_')[0];

    [TestCase("0_3")]
    [TestCase("1_5")]
    [TestCase("4_4")]
    [TestCase("9_9")]
    public void TheQueryRanksFirstThenTheOtherImageOfItsDigit(string query)
    {
        var results = Results(Search(Sample(query), "--dir", Samples, "--top", "2", "--json"));

        Assert.That(results, Has.Length.EqualTo(2));
        Assert.That(results[0].GetProperty("file").GetString(), Is.EqualTo(Sample(query)));
        Assert.That(results[0].GetProperty("similarity").GetDouble(), Is.GreaterThan(0.999));
        Assert.That(Digit(results[1]), Is.EqualTo(query.Split('_')[0]), "the nearest other image is of the same digit");
    }

    [Test]
    public void JsonNamesTheModelAndQueryAndRanksEveryImageBySimilarityAsCompareScoresIt()
    {
        var result = Search(Sample("7_0"), "--dir", Samples, "--top", "400", "--json");
        var json = JsonDocument.Parse(result.Out).RootElement;
        var results = Results(result);

        Assert.That(json.GetProperty("model").GetString(), Is.EqualTo(Model));
        Assert.That(json.GetProperty("query").GetString(), Is.EqualTo(Sample("7_0")));
        Assert.That(results, Has.Length.EqualTo(12), "--top beyond the gallery lists all of it");
        Assert.That(results.Select(r => r.GetProperty("similarity").GetDouble()), Is.Ordered.Descending);
        Assert.That(results.Select(r => r.GetProperty("distance").GetDouble()), Is.Ordered);
        var last = results[^1];
        var compared = JsonDocument.Parse(CliRunner.Run("compare", Sample("7_0"), last.GetProperty("file").GetString()!, "--json",
            "--model", Model, "--device", "cpu").Out).RootElement.GetProperty("similarity").GetDouble();
        Assert.That(last.GetProperty("similarity").GetDouble(), Is.EqualTo(compared).Within(1e-6), "the similarity compare gives the same pair");
    }

    [Test]
    public void TheTableListsTheTopRanksAndTheFigureIsWritten()
    {
        var result = Search(Sample("4_4"), "--dir", Samples, "--top", "3", "--out", temp["grid.png"]);

        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Out, Does.Contain("4_6.png").And.Contain("9_9.png"));
        Assert.That(result.Out, Does.Not.Contain("1_2.png"), "a 1 is not among a 4's three nearest");
        var info = Image.Identify(temp["grid.png"]);
        Assert.That(info.Width, Is.GreaterThan(0));
    }

    [Test]
    public void CachedEmbeddingsRankAsAFreshEmbeddingDoes()
    {
        var embed = CliRunner.Run("embed", "--dir", Samples, "--out", temp["gallery.csv"], "--model", Model, "--device", "cpu");
        Assert.That(embed.Code, Is.EqualTo(ExitCodes.Ok), embed.Error);

        var fresh = Results(Search(Sample("9_7"), "--dir", Samples, "--top", "12", "--json"));
        var cached = Results(Search(Sample("9_7"), "--embeddings", temp["gallery.csv"], "--top", "12", "--json"));

        Assert.That(cached.Select(r => r.GetProperty("file").GetString()), Is.EqualTo(fresh.Select(r => r.GetProperty("file").GetString())));
        Assert.That(cached.Select(r => r.GetProperty("similarity").GetDouble()), Is.EqualTo(fresh.Select(r => r.GetProperty("similarity").GetDouble())));
    }

    [Test]
    public void ACachedCsvOfAnotherEmbeddingSizeIsRefusedByName()
    {
        File.WriteAllText(temp["small.csv"], "path,e0,e1\na.png,0.5,0.25\n");
        var result = Search(Sample("4_4"), "--embeddings", temp["small.csv"]);
        AssertRefused(result, temp["small.csv"], "holds embeddings of 2 values");
    }

    [Test]
    public void ACachedCsvMadeWithAnotherModelIsRefusedByName()
    {
        var other = TestModels.Untrained(temp["other.siamese"], new TrainingConfig { Preset = TowerSpec.KerasPreset }.Network());
        var embed = CliRunner.Run("embed", "--dir", Samples, "--out", temp["other.csv"], "--model", other, "--device", "cpu");
        Assert.That(embed.Code, Is.EqualTo(ExitCodes.Ok), embed.Error);

        AssertRefused(Search(Sample("4_4"), "--embeddings", temp["other.csv"]), temp["other.csv"], "made with another model");
    }

    [Test]
    public void MissingQueryFolderAndEmptyFolderAreRefusedByName()
    {
        AssertRefused(Search(temp["nothing.png"], "--dir", Samples), temp["nothing.png"], "");
        AssertRefused(Search(Sample("4_4"), "--dir", temp["absent"]), temp["absent"], "no such folder");
        Directory.CreateDirectory(temp["empty"]);
        AssertRefused(Search(Sample("4_4"), "--dir", temp["empty"]), temp["empty"], "no images found");
        AssertRefused(Search(Sample("4_4"), "--embeddings", temp["absent.csv"]), temp["absent.csv"], "no such file");
    }

    [Test]
    public void ABadOrInklessQueryOrGalleryImageIsRefusedByName()
    {
        var garbage = TestImages.Bad(temp.Path, "garbage");
        AssertRefused(Search(garbage, "--dir", Samples), garbage, "");
        var blank = TestImages.NoInk(temp.Path, "white");
        AssertRefused(Search(blank, "--dir", Samples), blank, "no ink");
        Directory.CreateDirectory(temp["set"]);
        File.Copy(Sample("4_4"), temp["set/4_4.png"]);
        var grey = TestImages.NoInk(temp["set"], "grey");
        AssertRefused(Search(Sample("4_4"), "--dir", temp["set"]), grey, "no ink");
    }

    [Test]
    public void AGalleryIsEitherAFolderOrACsv()
    {
        Assert.That(Search(Sample("4_4")).Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(Search(Sample("4_4"), "--dir", Samples, "--embeddings", temp["e.csv"]).Code, Is.EqualTo(ExitCodes.Usage));
    }

    private static void AssertRefused(CliRunner.Result result, string path, string cause)
    {
        Assert.That(result.Code, Is.EqualTo(ExitCodes.BadInput), result.Error);
        var errors = result.Error.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        Assert.That(errors, Has.Count.EqualTo(1), result.Error);
        Assert.That(errors[0], Does.StartWith($"error: {path}").And.Contain(cause));
        Assert.That(result.Error, Does.Not.Contain("   at "), "no stack trace");
    }
}
