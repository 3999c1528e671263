using System.Text.Json;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Models;
using SixLabors.ImageSharp;

namespace IlgpuSiamese.Tests.Cli;

/// <summary><c>siamese inspect</c> on the bundled model and two committed sample digits, on the CPU accelerator.</summary>
public class InspectCommandTests
{
    private TempFolder temp = null!;

    [SetUp]
    public void CreateFolder() => temp = new TempFolder();

    [TearDown]
    public void DeleteFolder() => temp.Dispose();

    private static string Root()
    {
        for (var folder = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "IlgpuSiamese.sln")))
                return folder.FullName;
        throw new InvalidOperationException("IlgpuSiamese.sln not found above the test folder");
    }

    private static string Sample(string name) => Path.Combine(Root(), "samples", name);

    [Test]
    public void WritesAFigureAndJsonWithOneEntryPerLayer()
    {
        var result = CliRunner.Run("inspect", Sample("4_4.png"), Sample("4_6.png"), "--out", temp["layers.png"], "--json", "--device", "cpu");
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        var json = JsonDocument.Parse(result.Out).RootElement;

        int layerCount;
        using (var model = new LoadedModel(Path.Combine(Root(), ModelOption.BundledModel), Backends.Open("cpu:0")))
            layerCount = model.Network.Tower.Layers.Count;
        var layers = json.GetProperty("layers").EnumerateArray().ToList();
        Assert.That(layers, Has.Count.EqualTo(layerCount));
        foreach (var layer in layers)
            foreach (var twin in new[] { "first", "second" })
            {
                var stats = layer.GetProperty(twin);
                Assert.That(stats.GetProperty("zeros").GetDouble(), Is.InRange(0.0, 1.0), $"{layer.GetProperty("name")} {twin}");
                Assert.That(stats.GetProperty("max").GetDouble(), Is.GreaterThanOrEqualTo(stats.GetProperty("mean").GetDouble()));
            }
        Assert.That(json.GetProperty("embeddings").GetProperty("first").GetArrayLength(), Is.EqualTo(48));

        var similarity = json.GetProperty("similarity").GetDouble();
        var compared = JsonDocument.Parse(CliRunner.Run("compare", Sample("4_4.png"), Sample("4_6.png"), "--json", "--device", "cpu").Out).RootElement;
        Assert.That(similarity, Is.EqualTo(compared.GetProperty("similarity").GetDouble()).Within(1e-6), "the same similarity as compare");
        Assert.That(json.GetProperty("distance").GetDouble(), Is.GreaterThan(0));
        Assert.That(json.GetProperty("same").GetBoolean(), Is.True, "two 4s");

        var info = Image.Identify(temp["layers.png"]);
        Assert.That(info.Width, Is.GreaterThan(600));
        Assert.That(info.Height, Is.GreaterThan(400));
    }

    [Test]
    public void TheKerasTowerWithItsBceHeadShowsEveryLayerDropoutIncluded()
    {
        var network = new TrainingConfig { Preset = TowerSpec.KerasPreset, Loss = LossKind.Bce }.Network();
        var model = TestModels.Untrained(temp["keras.siamese"], network);
        var result = CliRunner.Run("inspect", Sample("7_0.png"), Sample("1_2.png"), "--model", model, "--out", temp["keras.png"], "--json", "--device", "cpu");
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        var json = JsonDocument.Parse(result.Out).RootElement;
        var names = json.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("name").GetString()).ToList();
        Assert.That(names, Has.Count.EqualTo(network.Tower.Layers.Count));
        Assert.That(names, Has.Some.StartsWith("dropout"));
        Assert.That(json.GetProperty("similarity").GetDouble(), Is.InRange(0.0, 1.0));
        Assert.That(File.Exists(temp["keras.png"]));
    }

    [Test]
    public void WithoutJsonItPrintsATableOfEveryLayer()
    {
        var result = CliRunner.Run("inspect", Sample("7_0.png"), Sample("1_2.png"), "--device", "cpu");
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Out, Does.Contain("conv").And.Contain("dense").And.Contain("Similarity:"));
    }

    [Test]
    public void OneImageIsAUsageError() =>
        Assert.That(CliRunner.Run("inspect", Sample("4_4.png")).Code, Is.EqualTo(ExitCodes.Usage));

    [Test]
    public void AMissingImageIsNamed()
    {
        var missing = temp["nope.png"];
        var result = CliRunner.Run("inspect", Sample("4_4.png"), missing, "--device", "cpu");
        Assert.That(result.Code, Is.EqualTo(ExitCodes.BadInput));
        Assert.That(result.Error, Does.Contain(missing));
    }
}
