using IlgpuSiamese.Benchmarks.EndToEnd;
using IlgpuSiamese.Measuring;
using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Benchmarking;

/// <summary>e2e's options, its sweep of peer settings, the choice of the peer, and the turns its child processes take.</summary>
public sealed class EndToEndOptionsTests
{
    [Test]
    public void ByDefaultEachSampleRunsInAChildAndTorchSharpIsSweptOverPolicyThreadsAndCalls()
    {
        var o = EndToEndOptions.Parse([]);

        Assert.That(o.InProcess, Is.False);
        Assert.That(o.WaitPolicies, Is.EqualTo(new[] { "ACTIVE", "PASSIVE" }));
        Assert.That(o.TorchThreadCounts, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(o.TorchCalls, Is.EqualTo(new[] { false, true }));
        Assert.That(o.OnnxThreadCounts, Is.EqualTo(new[] { 2 }));
        Assert.That(o.Repetitions, Is.EqualTo(5));
    }

    [Test]
    public void ListsAreParsedWithoutCaseOrRepeatsAndFollowThreads()
    {
        var o = EndToEndOptions.Parse(["--torch-wait-policies", "passive,Active,PASSIVE", "--torch-threads", "4,1", "--torch-calls", "one",
            "--onnx-threads", "1,2", "--threads", "4"]);

        Assert.That(o.WaitPolicies, Is.EqualTo(new[] { "PASSIVE", "ACTIVE" }));
        Assert.That(o.TorchThreadCounts, Is.EqualTo(new[] { 4, 1 }));
        Assert.That(o.TorchCalls, Is.EqualTo(new[] { true }));
        Assert.That(o.OnnxThreadCounts, Is.EqualTo(new[] { 1, 2 }));
        Assert.That(EndToEndOptions.Parse(["--threads", "4"]).TorchThreadCounts, Is.EqualTo(new[] { 1, 4 }));
        Assert.That(EndToEndOptions.Parse(["--threads", "1"]).TorchThreadCounts, Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public void InOneProcessTheWaitPolicyIsOneValuePassiveByDefault()
    {
        Assert.That(EndToEndOptions.Parse(["--in-process"]).WaitPolicies, Is.EqualTo(new[] { "PASSIVE" }));
        Assert.That(EndToEndOptions.Parse(["--in-process", "--processes"]).InProcess, Is.False, "the last one wins");
        Assert.Throws<UserInputException>(() => EndToEndOptions.Parse(["--in-process", "--torch-wait-policies", "active,passive"]));
    }

    [TestCase("--torch-wait-policies", "busy")]
    [TestCase("--torch-threads", "0")]
    [TestCase("--torch-threads", "two")]
    [TestCase("--torch-calls", "three")]
    [TestCase("--onnx-threads", ",")]
    [TestCase("--frobnicate", "1")]
    public void BadValuesAreRefused(string option, string value) =>
        Assert.Throws<UserInputException>(() => EndToEndOptions.Parse([option, value]));

    [Test]
    public void HelpIsAnOptionAndTheUsageNamesEveryOption()
    {
        Assert.That(EndToEndOptions.Parse(["--help"]).Help, Is.True);
        foreach (var option in new[] { "--processes", "--in-process", "--torch-wait-policies", "--torch-threads", "--torch-calls", "--onnx-threads" })
            Assert.That(EndToEndOptions.Usage, Does.Contain(option));
    }
}

public sealed class EngineSettingTests
{
    [Test]
    public void TheDefaultSweepIsOursThenEightTorchSharpSettingsThenOnnxRuntime()
    {
        var settings = EngineSetting.Sweep(EndToEndOptions.Parse([]), ["opencl:0"]);

        Assert.That(settings.Select(s => s.Kind), Is.EqualTo(new[] { EngineKind.Ilgpu }
            .Concat(Enumerable.Repeat(EngineKind.TorchSharp, 8)).Append(EngineKind.OnnxRuntime)));
        var torch = settings.Where(s => s.Kind == EngineKind.TorchSharp).ToList();
        Assert.That(torch.Select(s => (s.WaitPolicy, s.Threads, s.TwinsInOneCall)).Distinct().Count(), Is.EqualTo(8), "every combination once");
        Assert.That(settings.Select(s => s.Id).Distinct().Count(), Is.EqualTo(settings.Count), "names tell the settings apart");
        Assert.That(settings[0].Id, Is.EqualTo("ilgpu opencl:0"));
        Assert.That(torch[0].Id, Is.EqualTo("torchsharp cpu ACTIVE 1t two calls"));
        Assert.That(settings[^1].Id, Is.EqualTo("onnxruntime cpu 2t"));
    }

    [Test]
    public void NarrowListsGiveASmallerSweep()
    {
        var o = EndToEndOptions.Parse(["--torch-wait-policies", "passive", "--torch-threads", "2", "--onnx-threads", "1,2"]);
        var settings = EngineSetting.Sweep(o, []);
        Assert.That(settings.Select(s => s.Id), Is.EqualTo(new[]
        {
            "torchsharp cpu PASSIVE 2t two calls", "torchsharp cpu PASSIVE 2t one call", "onnxruntime cpu 1t", "onnxruntime cpu 2t",
        }));
    }

    [Test]
    public void ASettingSurvivesItsArgumentsAndCarriesItsEnvironment()
    {
        EngineSetting[] settings =
        [
            new(EngineKind.Ilgpu, 2, Device: "opencl:0"),
            new(EngineKind.TorchSharp, 1, WaitPolicy: "ACTIVE", TwinsInOneCall: true),
            new(EngineKind.OnnxRuntime, 2),
        ];
        foreach (var setting in settings)
        {
            var (parsed, others) = EngineSetting.Parse([.. setting.ToArguments(), "--tower", "flat"]);
            Assert.That(parsed, Is.EqualTo(setting));
            Assert.That(others, Is.EqualTo(new[] { "--tower", "flat" }));
        }
        Assert.That(settings[0].Environment, Is.EqualTo(new Dictionary<string, string> { ["POCL_MAX_PTHREAD_COUNT"] = "2" }));
        Assert.That(settings[1].Environment, Is.EqualTo(new Dictionary<string, string> { ["OMP_WAIT_POLICY"] = "ACTIVE" }));
        Assert.That(settings[2].Environment, Is.Empty);
        Assert.Throws<UserInputException>(() => EngineSetting.Parse(["--engine", "ilgpu", "--threads", "2"]), "ilgpu needs a device");
        Assert.Throws<UserInputException>(() => EngineSetting.Parse(["--engine", "torchsharp"]), "threads are required");
    }
}

public sealed class PeerChoiceTests
{
    private static SettingResult Result(EngineSetting setting, double? training, double inference) => new(setting,
        new EngineThroughput(setting.Id, "test", "flat", 64, 256,
            training is { } t ? Throughput.Of([t], 1) : Throughput.NotApplicable, Throughput.Of([inference], 1)),
        null, new ProcessFacts(1, null, null, new MallocSetting(false, null, null, "test"), null));

    [Test]
    public void TheFastestSettingIsThePeerForEachKindOfWorkApart()
    {
        var slowTrainer = Result(new EngineSetting(EngineKind.TorchSharp, 1, WaitPolicy: "ACTIVE"), 900, 4000);
        var fastTrainer = Result(new EngineSetting(EngineKind.TorchSharp, 2, WaitPolicy: "ACTIVE"), 1500, 3000);
        var tie = Result(new EngineSetting(EngineKind.TorchSharp, 2, WaitPolicy: "PASSIVE"), 1500, 1000);

        var best = PeerChoice.Best([slowTrainer, fastTrainer, tie]);

        Assert.That(best.Training, Is.SameAs(fastTrainer), "the first of two equal medians");
        Assert.That(best.Inference, Is.SameAs(slowTrainer));
        Assert.That(PeerChoice.Best([]), Is.EqualTo(new PeerChoice(null, null)));
    }

    [Test]
    public void RatiosAreOursOverEachPeerAtItsBest()
    {
        var ours = Result(new EngineSetting(EngineKind.Ilgpu, 2, Device: "opencl:0"), 2000, 6000);
        var torchTrain = Result(new EngineSetting(EngineKind.TorchSharp, 2, WaitPolicy: "ACTIVE"), 1000, 2000);
        var torchInfer = Result(new EngineSetting(EngineKind.TorchSharp, 1, WaitPolicy: "ACTIVE"), 500, 4000);
        var onnx = Result(new EngineSetting(EngineKind.OnnxRuntime, 2), null, 12000);

        var tower = EndToEndCommand.TowerResult.Of("flat", [ours, torchTrain, torchInfer, onnx]);

        var ratio = tower.Ratios.Single();
        Assert.That(ratio, Is.EqualTo(new PeerRatios("ilgpu opencl:0", torchTrain.Setting.Id, 2.0, torchInfer.Setting.Id, 1.5, onnx.Setting.Id, 0.5)));
        Assert.That(tower.OnnxBest.Training, Is.Null, "ONNX Runtime does not train");
        var table = EndToEndCommand.Table(EndToEndOptions.Parse([]), BenchmarkData.CreateSynthetic(seed: 1, imagesPerClass: 2), [], [tower]);
        var rows = table.Split('\n');
        Assert.That(rows.Single(r => r.Contains(torchTrain.Setting.Id)), Does.Contain("| peer |  |"));
        Assert.That(rows.Single(r => r.Contains(torchInfer.Setting.Id)), Does.Contain("|  | peer |"));
        Assert.That(rows.Single(r => r.Contains("ilgpu opencl:0")), Does.Contain("| 2.00x | 1.50x | 0.50x |"));
    }
}

public sealed class ProcessRunTests
{
    private static EngineReport Report(EngineSetting setting, int call) => new(
        new EngineThroughput(setting.Id, "test", "flat", 64, 256,
            setting.Kind == EngineKind.OnnxRuntime ? Throughput.NotApplicable : Throughput.Of([100 + call], 3), Throughput.Of([1000 + call], 5)),
        setting.Kind == EngineKind.OnnxRuntime ? null : 0.5, new ProcessFacts(call, "PASSIVE", null, new MallocSetting(true, 1, 1, "test"), null));

    [Test]
    public void RepetitionsGoRoundTheSettingsOneChildAtATimeStartingOneFurtherEachTime()
    {
        EngineSetting[] settings =
        [
            new(EngineKind.Ilgpu, 2, Device: "cpu:0"), new(EngineKind.TorchSharp, 2, WaitPolicy: "PASSIVE"), new(EngineKind.OnnxRuntime, 2),
        ];
        var calls = new List<string>();

        var results = ProcessRun.Measure(settings, repetitions: 3, setting =>
        {
            calls.Add(setting.Id);
            return Report(setting, calls.Count);
        });

        var (a, b, c) = (settings[0].Id, settings[1].Id, settings[2].Id);
        Assert.That(calls, Is.EqualTo(new[] { a, b, c, b, c, a, c, a, b }));
        Assert.That(results.Select(r => r.Setting), Is.EqualTo(settings));
        // Ours ran as the 1st, 6th and 8th child: its samples are those children's, in that order.
        Assert.That(results[0].Throughput.Training.Samples, Is.EqualTo(new[] { 101.0, 106, 108 }));
        Assert.That(results[0].Throughput.Inference.Samples, Is.EqualTo(new[] { 1001.0, 1006, 1008 }));
        Assert.That(results[0].Throughput.Inference.Median, Is.EqualTo(1006));
        Assert.That((results[0].Throughput.Training.PerSample, results[0].Throughput.Inference.PerSample), Is.EqualTo((3, 5)));
        Assert.That(results[0].Facts.ProcessId, Is.EqualTo(8), "the last child's facts");
        Assert.That(results[2].Throughput.Training.Measured, Is.False, "an inference-only peer stays without training figures");
        Assert.That(results[2].LastMeanLoss, Is.Null);
    }
}

/// <summary>The real protocol: this Benchmarks program started as a child (from the build beside the tests), its report read back.</summary>
public sealed class ChildProcessTests
{
    private static readonly ChildProcess Child = ChildProcess.ThisProgram() with
    {
        Program = Path.Combine(AppContext.BaseDirectory, "IlgpuSiamese.Benchmarks.dll"),
    };

    [Test]
    public void AnOnnxRuntimeChildReportsItsSampleAndTheEnvironmentItWasGiven()
    {
        using var folder = new TempFolder();
        var options = EndToEndOptions.Parse(["--seconds", "0.01", "--warmup", "0", "--data-dir", folder["data"]]);
        var setting = new EngineSetting(EngineKind.OnnxRuntime, 1);
        var args = EngineChildCommand.Arguments(setting, "keras", options);

        var report = ChildProcess.ReadReport(Child.Run(args, new Dictionary<string, string> { ["OMP_WAIT_POLICY"] = "ACTIVE" }), args);

        Assert.That(report.Result.Engine, Is.EqualTo("onnxruntime cpu 1t"));
        Assert.That(report.Result.Tower, Is.EqualTo("keras"));
        Assert.That(report.Result.Training.Measured, Is.False);
        Assert.That(report.Result.Inference.Samples, Has.Count.EqualTo(1).And.All.GreaterThan(0));
        Assert.That(report.Facts.ProcessId, Is.Not.EqualTo(Environment.ProcessId));
        Assert.That(report.Facts.OmpWaitPolicy, Is.EqualTo("ACTIVE"));
        Assert.That(report.Facts.TieredCompilation, Is.False, "children JIT every method once, fully optimised");
        Assert.That(report.Facts.Malloc.Applied, Is.EqualTo(OperatingSystem.IsLinux()));
    }

    [Test]
    public void AChildThatFailsSaysWhy()
    {
        var e = Assert.Throws<ChildProcessException>(() => Child.Run([EngineChildCommand.Name, "--engine", "ilgpu", "--threads", "1"], new Dictionary<string, string>()));
        Assert.That(e!.Message, Does.Contain("exited with code 1").And.Contain("needs --device"));
    }

    [Test]
    public void APeakChildMeasuresTheCpuAccelerator()
    {
        var peak = Child.RunPeak("cpu:0", threads: 2);
        Assert.That(peak.Device, Is.EqualTo("cpu:0"));
        Assert.That(peak.MeasuredGflopsPerSecond, Is.GreaterThan(0));
        Assert.That(peak.Measured, Does.StartWith("measured"));
        Assert.That(peak.Nominal, Is.Not.Empty);
    }
}

public sealed class MallocThresholdsTests
{
    [Test]
    public void OnLinuxBothThresholdsAreRaisedToOneGibibyte()
    {
        var applied = MallocThresholds.Apply();
        Assert.That(applied, Is.SameAs(MallocThresholds.Applied));
        if (!OperatingSystem.IsLinux())
            Assert.That(applied.Applied, Is.False);
        else
            Assert.That((applied.Applied, applied.MmapThresholdBytes, applied.TrimThresholdBytes), Is.EqualTo((true, (int?)(1 << 30), (int?)(1 << 30))));
    }
}
