using IlgpuSiamese.Network;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Kernels;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Data;
using IlgpuSiamese.Training.Models;

namespace IlgpuSiamese.Tests.Cli;

/// <summary>--resume continues only on the data of the checkpoint (its dataset fingerprint), unless --allow-other-data says otherwise.</summary>
public class ResumeFingerprintTests
{
    private TempFolder temp = null!;
    private DatasetSplit data = null!;

    [SetUp]
    public void CreateData()
    {
        temp = new TempFolder();
        IdxFiles.WriteDataset(temp["digits"], classes: 3, trainPerClass: 24, testPerClass: 4, side: 28);
        data = Datasets.Load(temp["digits"], DataLocation.Resolve(temp["cache"]));
    }

    [TearDown]
    public void DeleteData() => temp.Dispose();

    private string Checkpoint(string fingerprint)
    {
        var config = new TrainingConfig { Dataset = temp["digits"], Device = "cpu", Filters = 4, Embedding = 8 };
        var header = new ModelHeader(config.Network(), 3, 0.5, 0.5, config, "digits", fingerprint, new TrainingProgress(0, 1, 1, 0, 0, 0), [], DateTime.UnixEpoch);
        var path = temp[$"run/{Trainer.ModelFileName}"];
        Directory.CreateDirectory(temp["run"]);
        ModelFile.Save(path, new SavedModel(header, new float[3], null, null));
        return path;
    }

    [Test]
    public void TheSameDataPasses() =>
        Assert.That(() => ResumedData.RequireSame(ModelFile.Load(Checkpoint(DatasetFingerprint.Of(data))), "m", data), Throws.Nothing);

    [Test]
    public void OtherDataIsRefusedWithTheWayToOverrideIt()
    {
        var path = Checkpoint("0123456789abcdef");
        Assert.That(() => ResumedData.RequireSame(ModelFile.Load(path), path, data),
            Throws.TypeOf<UserInputException>().With.Message.StartsWith(path).And.Message.Contains("0123456789abcdef").And.Message.Contains("--allow-other-data"));
        var result = CliRunner.Run("train", "--resume", "--out", temp["run"]);
        Assert.That(result.Code, Is.EqualTo(ExitCodes.BadInput));
        Assert.That(result.Error, Does.StartWith($"error: {path}: the checkpoint was trained on digits"));
    }

    [Test]
    public void AllowOtherDataGetsPastTheFingerprint()
    {
        var path = Checkpoint("0123456789abcdef");
        var result = CliRunner.Run("train", "--resume", "--allow-other-data", "--out", temp["run"]);
        Assert.That(result.Error, Does.Not.Contain("fingerprint"));
        Assert.That(result.Error, Does.Contain($"{path}: not a checkpoint this run can resume"), "refused later, for want of the optimiser's state");
    }
}
