using System.CommandLine;
using System.Text.Json;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Cli.Commands;
using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Models;

namespace IlgpuSiamese.Tests.Cli;

public class TrainCommandTests
{
    private static int Run(Command command, params string[] args) =>
        ExitCodes.Run(() => command.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));

    [Test]
    public void ConfigFileRoundTripsThroughJson()
    {
        using var folder = new TempFolder();
        var config = new TrainingConfig { Preset = TowerSpec.KerasPreset, Loss = LossKind.Bce, Epochs = 7, Dropout = 0.25f, TrainPairs = 1000, Augment = true };
        File.WriteAllText(folder["c.json"], JsonSerializer.Serialize(config, TrainCommand.ConfigJson));
        Assert.That(TrainCommand.ReadConfig(folder["c.json"]), Is.EqualTo(config));
    }

    [TestCase("{ \"epochs\": 3 }", false)]
    [TestCase("{ \"augment\": true }", true)]
    [TestCase("{ \"augment\": false }", false)]
    public void AugmentIsReadFromAConfigFileAndOffWhereItIsAbsent(string json, bool expected)
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder["c.json"], json);
        Assert.That(TrainCommand.ReadConfig(folder["c.json"]).Augment, Is.EqualTo(expected));
    }

    [Test]
    public void AugmentIsRecordedInTheModelAndConfigAndKeptOnResume()
    {
        using var folder = new TempFolder();
        IdxFiles.WriteDataset(folder["digits"], classes: 3, trainPerClass: 24, testPerClass: 4, side: 28);
        string[] Train(string outDir, params string[] more) =>
        [
            "train", "--dataset", folder["digits"], "--data-dir", folder["cache"], "--filters", "4", "--embedding", "8", "--batch-size", "16",
            "--test-pairs", "8", "--device", "cpu", "--out", outDir, .. more,
        ];
        bool Recorded(string run) => (ModelFile.Load(Path.Combine(run, Trainer.ModelFileName)).Header.Training.Augment,
            TrainCommand.ReadConfig(Path.Combine(run, "config.json")).Augment) switch
        {
            (true, true) => true,
            (false, false) => false,
            var both => throw new AssertionException($"{run}: the model and config.json disagree: {both}"),
        };

        var augmented = CliRunner.Run(Train(folder["aug"], "--augment", "--epochs", "1"));
        Assert.That(augmented.Code, Is.Zero, augmented.Error);
        Assert.That(Recorded(folder["aug"]), Is.True, "--augment alone turns it on");
        Assert.That(File.ReadAllText(Path.Combine(folder["aug"], "config.json")), Does.Contain("\"augment\": true"));
        var resumed = CliRunner.Run("train", "--resume", "--epochs", "2", "--out", folder["aug"], "--data-dir", folder["cache"]);
        Assert.That(resumed.Code, Is.Zero, resumed.Error);
        var header = ModelFile.Load(Path.Combine(folder["aug"], Trainer.ModelFileName)).Header;
        Assert.That((header.Progress.EpochsDone, header.Training.Augment), Is.EqualTo((2, true)), "--resume keeps it");

        var plain = CliRunner.Run(Train(folder["plain"], "--epochs", "1"));
        Assert.That(plain.Code, Is.Zero, plain.Error);
        Assert.That(Recorded(folder["plain"]), Is.False, "off by default");
        var fromConfig = CliRunner.Run(Train(folder["config"], "--epochs", "1", "--config", Path.Combine(folder["aug"], "config.json")));
        Assert.That(fromConfig.Code, Is.Zero, fromConfig.Error);
        Assert.That(Recorded(folder["config"]), Is.True, "--config reads it back");
    }

    /// <summary>A mined run that names no rate takes 2e-3; a rate given, or one in a --config file, is kept.</summary>
    [Test]
    public void AMinedRunDefaultsToItsOwnLearningRate()
    {
        using var folder = new TempFolder();
        IdxFiles.WriteDataset(folder["digits"], classes: 3, trainPerClass: 24, testPerClass: 4, side: 28);
        double RateOf(string run, params string[] more)
        {
            var result = CliRunner.Run([
                "train", "--dataset", folder["digits"], "--data-dir", folder["cache"], "--filters", "4", "--embedding", "8", "--epochs", "1",
                "--test-pairs", "8", "--device", "cpu", "--out", folder[run], .. more,
            ]);
            Assert.That(result.Code, Is.Zero, result.Error);
            return TrainCommand.ReadConfig(Path.Combine(folder[run], "config.json")).LearningRate;
        }
        string[] mined = ["--loss", "triplet", "--mining", "batch-all", "--classes-per-batch", "3", "--images-per-class", "4"];

        Assert.That(RateOf("mined", mined), Is.EqualTo(TrainingConfig.MinedLearningRate));
        Assert.That(RateOf("given", [.. mined, "--lr", "5e-4"]), Is.EqualTo(5e-4));
        Assert.That(RateOf("pairs"), Is.EqualTo(new TrainingConfig().LearningRate));
        Assert.That(RateOf("config", [.. mined, "--config", Path.Combine(folder["pairs"], "config.json")]), Is.EqualTo(new TrainingConfig().LearningRate),
            "a config file's rate stands");
    }

    [Test]
    public void BadConfigFileIsRefusedByName()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder["c.json"], "{ \"epochs\": \"many\" }");
        Assert.That(() => TrainCommand.ReadConfig(folder["c.json"]),
            Throws.TypeOf<UserInputException>().With.Message.StartsWith(folder["c.json"]));
        Assert.That(Run(TrainCommand.Create(), "--config", folder["c.json"], "--out", folder["run"]), Is.EqualTo(ExitCodes.BadInput));
    }

    [TestCase("--epochs", "0", "between 1 and 10000")]
    [TestCase("--batch-size", "1", "between 2 and 4096")]
    [TestCase("--lr", "-1", "above 0 and at most 1")]
    [TestCase("--margin", "0", "above 0 and at most 100")]
    [TestCase("--embedding", "0", "between 1 and 4096")]
    [TestCase("--filters", "0", "between 1 and 1024")]
    [TestCase("--dropout", "1.5", "at least 0 and below 1")]
    [TestCase("--dropout", "1", "at least 0 and below 1")]
    [TestCase("--train-pairs", "1", "between 2 and 2147483647")]
    [TestCase("--test-pairs", "0", "between 2 and 2147483647")]
    [TestCase("--pairs-per-image", "0", "between 1 and 100")]
    [TestCase("--evals-per-epoch", "0", "between 1 and 1000")]
    [TestCase("--seed", "-1", "between 0 and 2147483647")]
    [TestCase("--preset", "huge", "unknown preset")]
    [TestCase("--schedule", "sometimes", "constant or cosine")]
    public void OptionsOutOfRangeAreUsageErrorsNamingTheOptionAndRange(string option, string value, string range)
    {
        using var folder = new TempFolder();
        var result = CliRunner.Run("train", option, value, "--out", folder["run"]);
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.Error, Does.Contain(range));
        if (!range.StartsWith("unknown"))
            Assert.That(result.Error, Does.StartWith($"error: {option} must be "));
        Assert.That(Directory.Exists(folder["run"]), Is.False, "nothing is written for a refused run");
    }

    [Test]
    public void AConfigFileOutOfRangeIsRefusedAsTheOptionWouldBe()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder["c.json"], "{ \"filters\": 0 }");
        var result = CliRunner.Run("train", "--config", folder["c.json"], "--out", folder["run"]);
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.Error, Does.Contain("--filters must be between 1 and 1024"));
    }

    [Test]
    public void ResumeWithoutACheckpointNamesTheFile()
    {
        using var folder = new TempFolder();
        Assert.That(Run(TrainCommand.Create(), "--resume", "--out", folder["run"]), Is.EqualTo(ExitCodes.BadInput));
    }

    [Test]
    public void EvaluateRefusesACorruptModel()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder["m.siamese"], new byte[100]);
        Assert.That(Run(EvaluateCommand.Create(), "--model", folder["m.siamese"], "--device", "cpu"), Is.EqualTo(ExitCodes.BadInput));
    }
}
