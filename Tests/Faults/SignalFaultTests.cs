using System.Runtime.InteropServices;
using System.Text.Json;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Cli.Commands;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Models;
using IlgpuSiamese.Training.Storage;

namespace IlgpuSiamese.Tests.Faults;

/// <summary>
/// A training run in its own process, stopped by SIGTERM, SIGHUP, Ctrl+C (once or twice) or kill -9 at random
/// moments: after each, the folder holds a model that loads (or the one before it), whole config and history
/// files, and no lock; the exit code is the README's.
/// </summary>
public class SignalFaultTests : FaultScenario
{
    private string Run => Temp["run"];
    private string ModelPath => Path.Combine(Run, Trainer.ModelFileName);

    [TestCase(PosixSignal.SIGTERM, ExitCodes.Terminated)]
    [TestCase(PosixSignal.SIGHUP, ExitCodes.Hangup)]
    [TestCase(PosixSignal.SIGINT, ExitCodes.Interrupted)]
    public void ASignalDuringTrainingSavesACheckpointThatResumes(PosixSignal signal, int code)
    {
        Machine.RequireRoot("send signals to a process of its own");
        using var training = SiameseProcess.Start(Train(Run, "--epochs", "10000"));
        Assert.That(WaitForCheckpoint(training), Is.True, "a first checkpoint");
        Machine.Signal(training.Id, signal);
        var result = training.WaitForExit();

        AssertNoStackTrace(result);
        Assert.That(result.Code, Is.EqualTo(code));
        Assert.That(result.Out, Does.Contain("Interrupted").And.Contain("--resume continues from there"));
        var saved = AssertWholeRun();
        var resumed = CliRunner.Run(Train(Run, "--resume", "--epochs", (saved.EpochsDone + 1).ToString()));
        Assert.That(resumed.Code, Is.Zero, resumed.Error);
        Assert.That(ModelFile.Load(ModelPath).Header.Progress.EpochsDone, Is.EqualTo(saved.EpochsDone + 1));
    }

    [Test]
    public void ASecondCtrlCExitsAtOnceKeepingTheLastCompleteCheckpoint()
    {
        Machine.RequireRoot("send signals to a process of its own");
        // Steps of 256 pairs through the flat tower on ILGPU's CPU accelerator take seconds: the first Ctrl+C waits for
        // the step, and the second comes while it runs. Had the second not stopped the run, the first would have saved
        // the step after the epoch-end checkpoint.
        using var training = SiameseProcess.Start(["train", "--dataset", Dataset, "--preset", "flat", "--pairs-per-image", "4", "--train-pairs", "512",
            "--batch-size", "256", "--test-pairs", "8", "--device", "cpu", "--epochs", "10000", "--out", Run]);
        Assert.That(WaitForCheckpoint(training), Is.True, "a first checkpoint");
        // The epoch's end is a safe point too: wait until its history is written and the next step has begun.
        while (!File.Exists(Path.Combine(Run, "history.csv")) && !training.HasExited)
            Thread.Sleep(20);
        Thread.Sleep(500);
        Machine.Signal(training.Id, PosixSignal.SIGINT);
        // A signal sent while the same one is still pending merges with it: the second press comes a moment later, as a person's does.
        Thread.Sleep(200);
        Machine.Signal(training.Id, PosixSignal.SIGINT);
        var result = training.WaitForExit();

        AssertNoStackTrace(result);
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Interrupted));
        Assert.That(result.Error, Does.Contain("SIGINT again: stopping now; the last complete checkpoint is kept"));
        var kept = AssertWholeRun();
        Assert.That((kept.EpochsDone, kept.BatchesDoneInEpoch), Is.EqualTo((1, 0)), "the epoch-end checkpoint, not a step after it");
    }

    [Test]
    public void SignalsAtRandomMomentsEndWithTheirCodeAndAWholeFolder([Values(1, 2, 3, 4, 5, 6)] int moment)
    {
        Machine.RequireRoot("send signals to a process of its own");
        var random = new Random(TestSeed.ForCurrentTest());
        var signal = new[] { PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGINT }[random.Next(3)];
        var delay = TimeSpan.FromSeconds(0.2 + 3.8 * random.NextDouble());
        TestContext.Out.WriteLine($"{signal} after {delay.TotalSeconds:0.00} s");
        using var training = SiameseProcess.Start(Train(Run, "--epochs", "10000"));
        Thread.Sleep(delay);
        Machine.Signal(training.Id, signal);
        var result = training.WaitForExit();

        AssertNoStackTrace(result);
        Assert.That(result.Code, Is.EqualTo(StopSignals.CodeOf(signal)));
        if (File.Exists(ModelPath))
            AssertWholeRun();
        else
            Assert.That(Directory.Exists(Run) ? Directory.GetFiles(Run) : [], Is.Empty.Or.EquivalentTo(new[] { Path.Combine(Run, "config.json") }));
        Assert.That(File.Exists(Path.Combine(Run, RunLock.FileName)), Is.False, "the lock is released");
        AssertNoTemporaryFiles(Run);
    }

    [Test]
    public void KillNineAtFiftyRandomMomentsLeavesAModelThatLoadsOrThePreviousOne()
    {
        Machine.RequireRoot("kill a process of its own");
        var random = new Random(TestSeed.ForCurrentTest());
        // PoCL, where present, starts in about 6 s (ILGPU's CPU accelerator too) but then writes a checkpoint every 0.1-0.4 s:
        // kills land in start-up, between checkpoints and inside the writes.
        var device = Backends.Usable("opencl:0") ? "opencl:0" : "cpu";
        var (epochsBefore, checkpointsHit) = (-1, 0);
        for (var kill = 0; kill < 50; kill++)
        {
            var resume = File.Exists(ModelPath);
            using (var training = SiameseProcess.Start(TrainOn(device, Run, resume ? ["--resume", "--epochs", "10000"] : ["--epochs", "10000", "--overwrite"])))
            {
                Thread.Sleep(TimeSpan.FromSeconds(0.3 + 8 * random.NextDouble()));
                Assert.That(training.HasExited, Is.False, () => $"kill {kill + 1}: the run ended by itself: {training.WaitForExit().Error}");
                Machine.KillHard(training.Id);
                training.WaitForExit();
            }
            if (!File.Exists(ModelPath))
            {
                Assert.That(epochsBefore, Is.EqualTo(-1), $"kill {kill + 1}: the previous model is gone");
                continue;
            }
            var saved = ModelFile.Load(ModelPath).Header.Progress;
            Assert.That(saved.EpochsDone, Is.GreaterThanOrEqualTo(epochsBefore), $"kill {kill + 1}: the model went back");
            checkpointsHit += saved.EpochsDone > epochsBefore ? 1 : 0;
            epochsBefore = saved.EpochsDone;
            AssertWholeFiles();
        }
        TestContext.Out.WriteLine($"50 kills; {checkpointsHit} of them after a new checkpoint; the last model has {epochsBefore} epochs");

        Assert.That(epochsBefore, Is.Positive, "some kills came after checkpoints");
        var final = CliRunner.Run(TrainOn(device, Run, "--resume", "--epochs", (epochsBefore + 1).ToString()));
        Assert.That(final.Code, Is.Zero, final.Error);
        AssertNoTemporaryFiles(Run);
        Assert.That(File.Exists(Path.Combine(Run, RunLock.FileName)), Is.False);
    }

    /// <summary>Waits until the run's first checkpoint is on disk: training is under way and there is a checkpoint to keep.</summary>
    private bool WaitForCheckpoint(SiameseProcess training)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(ModelPath) && !training.HasExited && clock.Elapsed.TotalSeconds < 60)
            Thread.Sleep(20);
        return File.Exists(ModelPath);
    }

    /// <summary>The folder after a stop: a model that loads, a history that matches it, a config that parses, no lock, no temporary file.</summary>
    private TrainingProgress AssertWholeRun()
    {
        var saved = AssertWholeFiles();
        Assert.That(File.Exists(Path.Combine(Run, RunLock.FileName)), Is.False, "the lock is released");
        AssertNoTemporaryFiles(Run);
        return saved;
    }

    private TrainingProgress AssertWholeFiles()
    {
        var header = ModelFile.Load(ModelPath).Header;
        Assert.That(TrainCommand.ReadConfig(Path.Combine(Run, "config.json")), Is.Not.Null);
        var history = Path.Combine(Run, "history.csv");
        if (File.Exists(history))
        {
            var rows = File.ReadAllLines(history);
            Assert.That(rows.Skip(1).Select(r => r.Count(c => c == ',')), Is.All.EqualTo(rows[0].Count(c => c == ',')), "every history row whole");
            Assert.That(rows.Length - 1, Is.LessThanOrEqualTo(header.History.Count), "no history row ahead of the checkpoint");
        }
        return header.Progress;
    }
}
