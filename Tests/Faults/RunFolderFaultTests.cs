using System.Diagnostics;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Storage;

namespace IlgpuSiamese.Tests.Faults;

/// <summary>Reruns into one folder: a used --out is refused unless resumed or replaced, a run without --out takes the next free folder, and a folder holds one run at a time.</summary>
public class RunFolderFaultTests : FaultScenario
{
    [Test]
    public void AUsedFolderIsRefusedUnlessResumedOrReplaced()
    {
        var run = Temp["run"];
        Assert.That(CliRunner.Run(Train(run, "--epochs", "1")).Code, Is.Zero);
        var model = File.ReadAllBytes(Path.Combine(run, Trainer.ModelFileName));

        var again = CliRunner.Run(Train(run, "--epochs", "1"));
        AssertRefused(again, run, "holds an earlier run (model.siamese, config.json, history.csv, history.png); --resume continues it, --overwrite replaces it");
        Assert.That(File.ReadAllBytes(Path.Combine(run, Trainer.ModelFileName)), Is.EqualTo(model), "the earlier run is untouched");

        AssertRefused(CliRunner.Run(Train(run, "--resume", "--overwrite")), "--resume", "give one of them", ExitCodes.Usage);
        var replaced = CliRunner.Run(Train(run, "--epochs", "1", "--overwrite", "--seed", "7"));
        Assert.That(replaced.Code, Is.Zero, replaced.Error);
        Assert.That(File.ReadAllBytes(Path.Combine(run, Trainer.ModelFileName)), Is.Not.EqualTo(model));
    }

    [Test]
    public void FilesOfTheUsersOwnMakeAFolderUsedToo()
    {
        Directory.CreateDirectory(Temp["mine"]);
        File.WriteAllText(Temp["mine/notes.txt"], "keep");
        AssertRefused(CliRunner.Run(Train(Temp["mine"])), Temp["mine"], "holds other files");
        Assert.That(File.ReadAllText(Temp["mine/notes.txt"]), Is.EqualTo("keep"));
    }

    [Test]
    public void WithoutOutEachRunTakesTheNextFreeFolderAndSaysWhich()
    {
        var before = Environment.CurrentDirectory;
        Environment.CurrentDirectory = Temp.Path;
        try
        {
            string[] args = ["train", "--dataset", Dataset, "--preset", "keras", "--train-pairs", "64", "--batch-size", "32", "--test-pairs", "8", "--device", "cpu", "--epochs", "1"];
            Assert.That(CliRunner.Run(args).Code, Is.Zero);
            var second = CliRunner.Run(args);
            Assert.That(second.Code, Is.Zero, second.Error);
            Assert.That(Unwrapped(second.Out), Does.Contain("runs/train holds an earlier run: writing to runs/train2"));
            Assert.That(File.Exists(Temp["runs/train/model.siamese"]) && File.Exists(Temp["runs/train2/model.siamese"]), Is.True);
        }
        finally
        {
            Environment.CurrentDirectory = before;
        }
    }

    [Test]
    public void ASecondRunOnAFolderIsRefusedNamingTheProcessThatHoldsIt()
    {
        Machine.RequireRoot("run a training process of its own");
        var run = Temp["run"];
        using var first = SiameseProcess.Start(Train(run, "--epochs", "10000"));
        Assert.That(first.WaitForOutput("train loss"), Is.True, "the first run is training");

        AssertRefused(CliRunner.Run(Train(run, "--resume")), run, $"another training run (process {first.Id}) is using this folder");

        Machine.Signal(first.Id, System.Runtime.InteropServices.PosixSignal.SIGTERM);
        Assert.That(first.WaitForExit().Code, Is.EqualTo(ExitCodes.Terminated));
        Assert.That(File.Exists(Path.Combine(run, RunLock.FileName)), Is.False);
    }

    [Test]
    public void AStaleLockIsTakenOverWithANote()
    {
        var run = Directory.CreateDirectory(Temp["run"]).FullName;
        using var ended = Process.Start(new ProcessStartInfo("true"))!;
        ended.WaitForExit();
        File.WriteAllText(Path.Combine(run, RunLock.FileName), $"{ended.Id}\n");

        var result = CliRunner.Run(Train(run, "--epochs", "1"));

        Assert.That(result.Code, Is.Zero, result.Error);
        Assert.That(Unwrapped(result.Out), Does.Contain($"taking over the lock of process {ended.Id}, which has ended"));
        Assert.That(File.Exists(Path.Combine(run, RunLock.FileName)), Is.False, "released at the end");
    }

    [Test]
    public void TemporaryFilesOfAKilledWriterAreRemovedByTheNextRun()
    {
        var run = Directory.CreateDirectory(Temp["run"]).FullName;
        using var ended = Process.Start(new ProcessStartInfo("true"))!;
        ended.WaitForExit();
        var abandoned = AtomicFile.TemporaryPath(Path.Combine(run, Trainer.ModelFileName), ended.Id);
        File.WriteAllText(abandoned, "half a model");

        var result = CliRunner.Run(Train(run, "--epochs", "1"));

        Assert.That(result.Code, Is.Zero, result.Error);
        Assert.That(Unwrapped(result.Out), Does.Contain($"removed {Path.GetFileName(abandoned)}"));
        AssertNoTemporaryFiles(run);
    }
}
