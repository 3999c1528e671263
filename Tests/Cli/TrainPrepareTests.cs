using System.Text.Json;
using System.Text.Json.Nodes;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Cli.Commands;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Data;
using IlgpuSiamese.Training.Models;

namespace IlgpuSiamese.Tests.Cli;

/// <summary>
/// train --prepare chooses how an image folder's images become inputs (stretched by default); the run's config.json
/// and model record it, --resume reads it back, and compare's and embed's default follows the model. Datasets whose
/// images are prepared already (mnist, fashion-mnist, IDX folders) refuse it as a usage error.
/// </summary>
public class TrainPrepareTests
{
    private TempFolder temp = null!;

    [SetUp]
    public void CreateFolder()
    {
        temp = new TempFolder();
        // Two classes of squares on canvases of many widths: fitted, a wide canvas shrinks its square; stretched, it does not.
        foreach (var (name, square) in new[] { ("light", (byte)250), ("dark", (byte)110) })
        {
            Directory.CreateDirectory(temp[$"folder/{name}"]);
            for (var i = 0; i < 30; i++)
                TestImages.Square(temp[$"folder/{name}/{i:00}.png"], 28 + 6 * i, 28, background: 0, square);
        }
    }

    [TearDown]
    public void DeleteFolder() => temp.Dispose();

    private string[] Train(string outDir, params string[] more) =>
    [
        "train", "--dataset", temp["folder"], "--preset", "keras", "--train-pairs", "32", "--batch-size", "16", "--test-pairs", "8",
        "--device", "cpu", "--out", outDir, .. more,
    ];

    private static void AssertRan(CliRunner.Result result) => Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);

    private static JsonNode? RecordedInConfig(string run) => JsonNode.Parse(File.ReadAllText(Path.Combine(run, "config.json")))!["prepare"];

    [Test]
    public void FitIsRecordedInTheConfigAndTheModelAndIsReadBackOnResume()
    {
        var run = temp["run"];
        AssertRan(CliRunner.Run(Train(run, "--epochs", "1", "--prepare", "fit")));

        Assert.That(RecordedInConfig(run)?.GetValue<string>(), Is.EqualTo("fit"));
        var header = ModelFile.Load(Path.Combine(run, Trainer.ModelFileName)).Header;
        Assert.That((header.Training.Prepare, header.Preparation), Is.EqualTo(((ImagePreparation?)ImagePreparation.Fit, (ImagePreparation?)ImagePreparation.Fit)));
        Assert.That(TrainCommand.ReadConfig(Path.Combine(run, "config.json")).Prepare, Is.EqualTo(ImagePreparation.Fit), "--config reads it");

        // Read back as stretched, the folder would have another fingerprint and the resume would be refused.
        AssertRan(CliRunner.Run(Train(run, "--resume", "--epochs", "2")));
        var resumed = ModelFile.Load(Path.Combine(run, Trainer.ModelFileName)).Header;
        Assert.That((resumed.Progress.EpochsDone, resumed.Preparation, resumed.DatasetFingerprint), Is.EqualTo((2, (ImagePreparation?)ImagePreparation.Fit, header.DatasetFingerprint)));
    }

    [Test]
    public void FitAndStretchTrainOnDifferentInputsAndStretchStaysTheDefault()
    {
        AssertRan(CliRunner.Run(Train(temp["default"])));
        AssertRan(CliRunner.Run(Train(temp["fit"], "--prepare", "fit")));
        AssertRan(CliRunner.Run(Train(temp["stretch"], "--prepare", "stretch")));

        var (byDefault, fit, stretch) = (Header("default"), Header("fit"), Header("stretch"));
        Assert.That(RecordedInConfig(temp["default"]), Is.Null, "no choice made: stretched, as before the option");
        Assert.That((byDefault.Training.Prepare, byDefault.Preparation), Is.EqualTo(((ImagePreparation?)null, (ImagePreparation?)ImagePreparation.Stretch)));
        Assert.That(stretch.DatasetFingerprint, Is.EqualTo(byDefault.DatasetFingerprint), "the default is stretched");
        Assert.That(fit.DatasetFingerprint, Is.Not.EqualTo(stretch.DatasetFingerprint), "fitted, the images differ");
        var location = new DataLocation(temp["cache"]);
        var (fitted, stretched) = (Datasets.Load(temp["folder"], location, imageFolderPreparation: ImagePreparation.Fit),
            Datasets.Load(temp["folder"], location, imageFolderPreparation: ImagePreparation.Stretch));
        Assert.That(fitted.Train.Pixels, Is.Not.EqualTo(stretched.Train.Pixels));
        Assert.That(fitted.Train.Image(0).ToArray(), Is.EqualTo(stretched.Train.Image(0).ToArray()), "a square canvas is the same either way");
    }

    private ModelHeader Header(string run) => ModelFile.Load(Path.Combine(temp[run], Trainer.ModelFileName)).Header;

    [Test]
    public void AModelTrainedFittedPreparesEmbedAndCompareInputsFittedByDefault()
    {
        var run = temp["run"];
        AssertRan(CliRunner.Run(Train(run, "--prepare", "fit")));
        var model = Path.Combine(run, Trainer.ModelFileName);
        var (close, far) = (temp["folder/light/00.png"], temp["folder/light/29.png"]);
        string[] Embedded(params string[] extra)
        {
            AssertRan(CliRunner.Run(["embed", "--dir", temp["folder/light"], "--out", temp["e.csv"], "--model", model, "--device", "cpu", .. extra]));
            return File.ReadAllLines(temp["e.csv"]);
        }
        string Compared(params string[] extra)
        {
            var result = CliRunner.Run(["compare", close, far, "--model", model, "--device", "cpu", "--json", .. extra]);
            AssertRan(result);
            return JsonDocument.Parse(result.Out).RootElement.GetProperty("similarity").GetRawText();
        }

        Assert.That(Embedded(), Is.EqualTo(Embedded("--prepare", "fit")));
        Assert.That(Embedded(), Is.Not.EqualTo(Embedded("--prepare", "stretch")));
        Assert.That(Compared(), Is.EqualTo(Compared("--prepare", "fit")));
        Assert.That(Compared(), Is.Not.EqualTo(Compared("--prepare", "stretch")));
    }

    [Test]
    public void DatasetsWhoseImagesArePreparedAlreadyRefuseItAsAUsageError()
    {
        IdxFiles.WriteDataset(temp["digits"], classes: 3, trainPerClass: 24, testPerClass: 4, side: 28);
        File.WriteAllText(temp["c.json"], """{ "dataset": "fashion-mnist", "prepare": "stretch" }""");

        foreach (var (args, named) in new[]
                 {
                     (new[] { "--dataset", "mnist", "--prepare", "fit" }, "the images of mnist are prepared already (mnist)"),
                     (["--dataset", temp["digits"], "--prepare", "mnist"], $"the images of {temp["digits"]} are prepared already (mnist)"),
                     (["--config", temp["c.json"]], "the images of fashion-mnist are prepared already (fit)"),
                 })
        {
            var result = CliRunner.Run(["train", .. args, "--out", temp["run"]]);
            Assert.That(result.Code, Is.EqualTo(ExitCodes.Usage), result.Error);
            Assert.That(result.Error, Does.StartWith("error: --prepare applies to image folders only: ").And.Contain(named));
            Assert.That(Directory.Exists(temp["run"]), Is.False, "nothing is written for a refused run");
        }
        var unknown = CliRunner.Run("train", "--dataset", temp["folder"], "--prepare", "sideways", "--out", temp["run"]);
        Assert.That(unknown.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(unknown.Error, Does.Contain("sideways"));
    }

    [Test]
    public void OldConfigsAndModelsWithoutTheFieldStillLoad()
    {
        var config = new TrainingConfig { Dataset = temp["folder"], Prepare = ImagePreparation.Fit };
        var json = JsonSerializer.SerializeToNode(config, TrainCommand.ConfigJson)!.AsObject();
        Assert.That(json.Remove("prepare"), "the field is written");
        File.WriteAllText(temp["old.json"], json.ToJsonString());
        Assert.That(TrainCommand.ReadConfig(temp["old.json"]), Is.EqualTo(config with { Prepare = null }));

        var header = new ModelHeader(config.Network(), 5, 0.5, 0.5, config, "folder", "none", new TrainingProgress(1, 0, 0, 0, 0, 0), [], DateTime.UnixEpoch);
        var node = JsonSerializer.SerializeToNode(header, ModelFile.Json)!.AsObject();
        Assert.That(node["Training"]!.AsObject().Remove(nameof(TrainingConfig.Prepare)) && node.Remove(nameof(ModelHeader.Preparation)), "both fields are written");
        var old = JsonSerializer.Deserialize<ModelHeader>(node.ToJsonString(), ModelFile.Json)!;
        Assert.That((old.Training.Prepare, old.InputPreparation), Is.EqualTo(((ImagePreparation?)null, ImagePreparation.Stretch)), "an old image-folder model: stretched");
    }
}
