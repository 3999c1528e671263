using System.CommandLine;
using System.Text.Json;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Cli.Commands;
using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;

namespace IlgpuSiamese.Tests.Cli;

public class TrainCommandTests
{
    private static int Run(Command command, params string[] args) =>
        ExitCodes.Run(() => command.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));

    [Test]
    public void ConfigFileRoundTripsThroughJson()
    {
        using var folder = new TempFolder();
        var config = new TrainingConfig { Preset = TowerSpec.KerasPreset, Loss = LossKind.Bce, Epochs = 7, Dropout = 0.25f, TrainPairs = 1000 };
        File.WriteAllText(folder["c.json"], JsonSerializer.Serialize(config, TrainCommand.ConfigJson));
        Assert.That(TrainCommand.ReadConfig(folder["c.json"]), Is.EqualTo(config));
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

    [TestCase("--epochs", "0")]
    [TestCase("--lr", "-1")]
    [TestCase("--preset", "huge")]
    [TestCase("--schedule", "sometimes")]
    public void BadOptionsExitWithBadInput(string option, string value)
    {
        using var folder = new TempFolder();
        Assert.That(Run(TrainCommand.Create(), option, value, "--out", folder["run"]), Is.EqualTo(ExitCodes.BadInput));
        Assert.That(Directory.Exists(folder["run"]), Is.False, "nothing is written for a refused run");
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
