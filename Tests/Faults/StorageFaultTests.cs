using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Data;
using IlgpuSiamese.Training.Models;
using IlgpuSiamese.Training.Storage;

namespace IlgpuSiamese.Tests.Faults;

/// <summary>
/// A full disk at every kind of write, read-only and missing folders, a file where a folder belongs and the
/// reverse, and paths too long: each refused in one line naming the user's path and the cause, with no
/// temporary file left and no earlier file touched. The disks are small tmpfs mounts (root only).
/// </summary>
public class StorageFaultTests : FaultScenario
{
    private const string NoSpace = "no space left on the device";
    private const string ReadOnly = "the file system is read-only";

    private string Full(out IDisposable mount, long leaveBytes = 0, int kilobytes = 1024)
    {
        var folder = Temp["full"];
        mount = Machine.Tmpfs(folder, kilobytes);
        Machine.Fill(folder, leaveBytes);
        return folder;
    }

    private string ReadOnlyFolder(out IDisposable mount)
    {
        var folder = Temp["ro"];
        mount = Machine.Tmpfs(folder, 64, readOnly: true);
        return folder;
    }

    /// <summary>/proc is there, but a file created in it is "not found": said as such, not as a missing file.</summary>
    [Test]
    public void AFolderThatTakesNoNewFilesIsSaidSo()
    {
        const string figure = "/proc/ilgpu-siamese-pair.png";
        AssertRefused(CliRunner.Run("compare", Digit, OtherDigit, "--model", Model, "--device", "cpu", "--out", figure), "/proc",
            "its file system takes no new files");
    }

    [Test]
    public void TrainingOntoAFullDiskSaysNoCheckpointIsSavedAndWritesNoHistory()
    {
        var full = Full(out var mount, leaveBytes: 16 * 1024);
        using (mount)
        {
            var run = Path.Combine(full, "run");
            var line = AssertRefused(CliRunner.Run(Train(run, "--epochs", "2")), Path.Combine(run, Trainer.ModelFileName), NoSpace);
            Assert.That(line, Does.Contain("no checkpoint of this run is saved (epoch 1 is lost)"));
            Assert.That(File.Exists(Path.Combine(run, "history.csv")), Is.False, "no history of an epoch whose checkpoint was lost");
            AssertNoTemporaryFiles(full);
        }
    }

    [Test]
    public void AResumedRunOntoAFullDiskKeepsTheEarlierCheckpointIntact()
    {
        var folder = Temp["disk"];
        using var mount = Machine.Tmpfs(folder, 2048);
        var run = Path.Combine(folder, "run");
        Assert.That(CliRunner.Run(Train(run, "--epochs", "1")).Code, Is.Zero);
        var model = Path.Combine(run, Trainer.ModelFileName);
        var (before, historyBefore) = (File.ReadAllBytes(model), File.ReadAllText(Path.Combine(run, "history.csv")));
        Machine.Fill(folder, leaveBytes: 16 * 1024);

        var line = AssertRefused(CliRunner.Run(Train(run, "--resume", "--epochs", "2")), model, NoSpace);

        Assert.That(line, Does.Contain("the checkpoint of epoch 1 is kept (epoch 2 is lost); --resume continues from it"));
        Assert.That(File.ReadAllBytes(model), Is.EqualTo(before), "the earlier checkpoint, byte for byte");
        Assert.That(ModelFile.Load(model).Header.Progress.EpochsDone, Is.EqualTo(1));
        Assert.That(File.ReadAllText(Path.Combine(run, "history.csv")), Is.EqualTo(historyBefore), "the history still describes the kept checkpoint");
        AssertNoTemporaryFiles(folder);
    }

    [TestCase("--out", "pairs")]
    [TestCase("--out", "compare")]
    [TestCase("--csv", "compare")]
    [TestCase("--out", "embed")]
    [TestCase("--out", "inspect")]
    [TestCase("--onnx", "export")]
    public void EveryFigureAndTableOntoAFullDiskIsRefusedWithoutATemporaryFile(string option, string command)
    {
        var full = Full(out var mount);
        using (mount)
        {
            var target = Path.Combine(full, "written.out");
            AssertRefused(CliRunner.Run(Args(command, option, target)), target, NoSpace);
            Assert.That(File.Exists(target), Is.False);
            AssertNoTemporaryFiles(full);
        }
    }

    [Test]
    public void EvaluateOntoAFullDiskPrintsItsReportBeforeTheRocFails()
    {
        var full = Full(out var mount);
        using (mount)
        {
            var roc = Path.Combine(full, "roc.png");
            var result = CliRunner.Run("evaluate", "--model", Model, "--dataset", Dataset, "--device", "cpu", "--roc", roc);
            AssertRefused(result, roc, NoSpace);
            Assert.That(result.Out, Does.Contain("ROC AUC"), "the report is not lost with the figure");
        }
    }

    [Test]
    public void AFetchIntoAFullCacheLeavesNothingBehind()
    {
        var dataset = KnownFromFolder("tiny");
        var full = Full(out var mount, leaveBytes: 16 * 1024);
        using (mount)
        {
            var error = Assert.Throws<StorageException>(() => DatasetFetcher.Ensure(dataset, new DataLocation(full)))!;
            Assert.That(error.Message, Is.EqualTo($"{full}: cannot fetch tiny into this data cache: no space left on the device; " +
                                                  $"--data-dir (or ${DataLocation.EnvironmentVariable}) chooses another folder"));
            Assert.That(Directory.GetFileSystemEntries(full).Select(Path.GetFileName), Is.EqualTo(new[] { "filler" }), "no staging folder, no partial file");
        }
    }

    [Test]
    public void TrainingIntoAReadOnlyFileSystemIsRefusedBeforeTheDataIsLoaded()
    {
        var readOnly = ReadOnlyFolder(out var mount);
        using (mount)
        {
            var result = CliRunner.Run(Train(Path.Combine(readOnly, "run")));
            AssertRefused(result, Path.Combine(readOnly, "run"), ReadOnly);
            Assert.That(result.Out, Does.Not.Contain("Training"), "refused before the device is opened");
        }
    }

    [Test]
    public void FiguresIntoAReadOnlyFileSystemAreRefusedBeforeTheWork()
    {
        var readOnly = ReadOnlyFolder(out var mount);
        using (mount)
        {
            AssertRefused(CliRunner.Run("pairs", "--dataset", Dataset, "--out", Path.Combine(readOnly, "p.png")), readOnly, ReadOnly);
            AssertRefused(CliRunner.Run("evaluate", "--model", Model, "--dataset", Dataset, "--device", "cpu", "--roc", Path.Combine(readOnly, "roc.png")), readOnly, ReadOnly);
            AssertRefused(CliRunner.Run("export", "--model", Model, "--onnx", Path.Combine(readOnly, "sub", "m.onnx")), Path.Combine(readOnly, "sub"), ReadOnly);
        }
    }

    [Test]
    public void AFetchIntoAReadOnlyCacheSaysWhichOptionChoosesAnother()
    {
        var readOnly = ReadOnlyFolder(out var mount);
        using (mount)
        {
            var line = AssertRefused(CliRunner.Run("data", "fetch", "mnist", "--data-dir", readOnly), readOnly, ReadOnly);
            Assert.That(line, Does.Contain("--data-dir"));
        }
    }

    [Test]
    public void AFileWhereTheRunFolderBelongsIsRefused()
    {
        File.WriteAllText(Temp["run"], "mine");
        AssertRefused(CliRunner.Run(Train(Temp["run"])), Temp["run"], "it is a file, not a folder");
        Assert.That(File.ReadAllText(Temp["run"]), Is.EqualTo("mine"));
    }

    [Test]
    public void AFileOnTheWayToTheRunFolderIsNamed()
    {
        File.WriteAllText(Temp["runs"], "mine");
        AssertRefused(CliRunner.Run(Train(Temp["runs/run"])), Temp["runs/run"], $"{Temp["runs"]} is a file, not a folder");
    }

    [TestCase("--out", "compare")]
    [TestCase("--csv", "compare")]
    [TestCase("--out", "inspect")]
    [TestCase("--out", "embed")]
    [TestCase("--onnx", "export")]
    public void AFolderWhereAFileBelongsIsRefused(string option, string command)
    {
        var folder = Directory.CreateDirectory(Temp["taken"]).FullName;
        AssertRefused(CliRunner.Run(Args(command, option, folder)), folder, "it is a folder; give a file name");
    }

    [TestCase("--out", "compare")]
    [TestCase("--csv", "compare")]
    [TestCase("--out", "inspect")]
    [TestCase("--out", "embed")]
    [TestCase("--onnx", "export")]
    [TestCase("--out", "pairs")]
    public void AMissingFolderForAFileIsCreatedByEveryCommand(string option, string command)
    {
        var target = Temp["new/deeper/file.out"];
        var result = CliRunner.Run(Args(command, option, target));
        Assert.That(result.Code, Is.Zero, result.Error);
        Assert.That(File.Exists(target), Is.True);
        AssertNoTemporaryFiles(Temp["new"]);
    }

    [Test]
    public void AFileOnTheWayToAFigureIsNamed() =>
        AssertRefused(CliRunner.Run(Args("inspect", "--out", Path.Combine(Digit, "layers.png"))), Digit, "it is a file, not a folder");

    [Test]
    public void AConfigThatIsAFolderIsRefused()
    {
        var folder = Directory.CreateDirectory(Temp["config"]).FullName;
        AssertRefused(CliRunner.Run(Train(Temp["run"], "--config", folder)), folder, "it is a folder, not a file");
    }

    [Test]
    public void AHistoryFigureBlockedByAFolderNamesItAfterTheCheckpointIsSaved()
    {
        var run = Temp["run"];
        Directory.CreateDirectory(Path.Combine(run, "history.png"));
        var result = CliRunner.Run(Train(run, "--epochs", "1", "--overwrite"));
        AssertRefused(result, Path.Combine(run, "history.png"), "it is a folder, not a file");
        Assert.That(ModelFile.Load(Path.Combine(run, Trainer.ModelFileName)).Header.Progress.EpochsDone, Is.EqualTo(1), "the checkpoint came first");
        AssertNoTemporaryFiles(run);
    }

    [Test]
    public void ANameTooLongIsRefusedAndTheLongestNameStillWorks()
    {
        var tooLong = Temp[new string('n', 300)];
        AssertRefused(CliRunner.Run(Train(tooLong)), tooLong, "too long");
        AssertRefused(CliRunner.Run(Args("compare", "--csv", tooLong + ".csv")), tooLong + ".csv", "longer than 255 bytes");

        var longest = Temp[new string('l', 251) + ".csv"];
        Assert.That(CliRunner.Run(Args("compare", "--csv", longest)).Code, Is.Zero, "a 255-byte name, whose temporary name is shortened");
        Assert.That(File.Exists(longest), Is.True);
        AssertNoTemporaryFiles(Temp.Path);
    }

    [Test]
    public void APathTooLongIsRefused()
    {
        var deep = Path.Combine(Temp.Path, string.Join('/', Enumerable.Repeat(new string('d', 250), 17)), "f.csv");
        AssertRefused(CliRunner.Run(Args("compare", "--csv", deep)), Path.GetDirectoryName(deep)!, "too long");
    }

    /// <summary>A command that writes one file through <paramref name="option"/>, with the inputs it needs.</summary>
    private string[] Args(string command, string option, string target) => command switch
    {
        "compare" => ["compare", Digit, OtherDigit, "--model", Model, "--device", "cpu", option, target],
        "inspect" => ["inspect", Digit, OtherDigit, "--model", Model, "--device", "cpu", option, target],
        "embed" => ["embed", "--dir", Temp.Path, "--model", Model, "--device", "cpu", option, target],
        "export" => ["export", "--model", Model, option, target],
        "pairs" => ["pairs", "--dataset", Dataset, option, target],
        _ => throw new ArgumentOutOfRangeException(nameof(command)),
    };
}
