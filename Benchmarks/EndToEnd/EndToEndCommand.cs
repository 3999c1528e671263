using System.Globalization;
using System.Text;
using System.Text.Json;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Measuring;
using IlgpuSiamese.Network;

namespace IlgpuSiamese.Benchmarks.EndToEnd;

/// <summary>
/// <c>e2e</c>: this engine on each accelerator asked for, TorchSharp-cpu in every setting of its sweep and (inference
/// only) ONNX Runtime running the exported graph, on the same images and pairs, the same batches (64 pairs to train,
/// 256 to infer), every engine warmed up and then timed in turns: by default each sample in a child process of its own
/// (<see cref="ProcessRun"/>), or all in this process (<c>--in-process</c>, <see cref="ThroughputRun"/>). Prints medians,
/// every peer setting, the measured peak of each of our devices, and the ratios ours / the fastest TorchSharp setting
/// and ours / the fastest ONNX Runtime setting.
/// </summary>
public static class EndToEndCommand
{
    public static int Run(string[] args)
    {
        try
        {
            var options = EndToEndOptions.Parse(args);
            if (options.Help)
            {
                Console.WriteLine(EndToEndOptions.Usage);
                return 0;
            }
            return Run(options);
        }
        catch (Exception e) when (e is UserInputException or DeviceRequestException or FormatException or ChildProcessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    public sealed record TowerResult(string Tower, IReadOnlyList<SettingResult> Ours, IReadOnlyList<SettingResult> Torch,
        IReadOnlyList<SettingResult> Onnx, PeerChoice TorchBest, PeerChoice OnnxBest, IReadOnlyList<PeerRatios> Ratios,
        IReadOnlyList<ThroughputRatio> BetweenDevices)
    {
        public static TowerResult Of(string tower, IReadOnlyList<SettingResult> measured)
        {
            var ours = measured.Where(m => m.Setting.Kind == EngineKind.Ilgpu).ToList();
            var torch = measured.Where(m => m.Setting.Kind == EngineKind.TorchSharp).ToList();
            var onnx = measured.Where(m => m.Setting.Kind == EngineKind.OnnxRuntime).ToList();
            var (torchBest, onnxBest) = (PeerChoice.Best(torch), PeerChoice.Best(onnx));
            return new TowerResult(tower, ours, torch, onnx, torchBest, onnxBest,
                ours.Select(o => PeerRatios.Of(o, torchBest, onnxBest)).ToList(),
                ThroughputRatio.AllPairs(ours.Select(o => o.Throughput).ToList()));
        }
    }

    public static int Run(EndToEndOptions o)
    {
        var towers = BenchmarkTowers.Parse(o.Tower);
        new ThroughputOptions(o.Repetitions, o.Warmup, o.Seconds).Validate();
        var log = new Reporter(message => Console.Error.WriteLine(message));
        log.Report($"glibc malloc: {MallocThresholds.Applied.How}");
        // "none": the peers alone.
        var ids = o.Device.Trim().Equals("none", StringComparison.OrdinalIgnoreCase) ? [] : BenchmarkDevices.Resolve(o.Device);
        var data = BenchmarkData.Load(o.DataDir, o.Seed, log);
        log.Report($"Data: {data.Source}; {data.TrainPairs.Count:N0} training pairs, {data.TestPairs.Count:N0} test pairs.");
        var (peaks, results) = o.InProcess ? InProcess(o, towers, ids, data, log) : InChildProcesses(o, towers, ids, log);
        if (o.Json)
        {
            // The figures for a person go to stderr, so that stdout holds only the JSON.
            Console.Error.Write(Table(o, data, peaks, results));
            Console.WriteLine(JsonSerializer.Serialize(ToJson(o, data, peaks, results), Json));
        }
        else
            Console.Write(Table(o, data, peaks, results));
        return 0;
    }

    private static (IReadOnlyList<PeakCommand.DevicePeaks>, IReadOnlyList<TowerResult>) InChildProcesses(EndToEndOptions o,
        IReadOnlyList<string> towers, IReadOnlyList<string> ids, IProgress<string> log)
    {
        var child = ChildProcess.ThisProgram();
        var settings = EngineSetting.Sweep(o, ids);
        log.Report($"{settings.Count} settings × {towers.Count} towers × {o.Repetitions} repetitions: " +
                   $"{settings.Count * towers.Count * o.Repetitions} child processes, one at a time, each ~{2 * o.Seconds:0.#} s timed plus its start-up.");
        var peaks = ids.Select(id =>
        {
            log.Report($"{id}: measuring the peak in a child process");
            return child.RunPeak(id, o.Threads);
        }).ToList();
        var results = towers.Select(tower =>
            TowerResult.Of(tower, ProcessRun.Measure(settings, o.Repetitions, s => child.RunEngine(s, tower, o), log))).ToList();
        return (peaks, results);
    }

    private static (IReadOnlyList<PeakCommand.DevicePeaks>, IReadOnlyList<TowerResult>) InProcess(EndToEndOptions o,
        IReadOnlyList<string> towers, IReadOnlyList<string> ids, BenchmarkData data, IProgress<string> log)
    {
        // Read by native libraries as they load, so set before any device is opened or TorchSharp touched. A value the
        // user set is kept; libgomp's wait policy is then one for the whole process.
        NativeEnvironment.SetDefault("POCL_MAX_PTHREAD_COUNT", o.Threads.ToString(CultureInfo.InvariantCulture));
        var policy = NativeEnvironment.SetDefault("OMP_WAIT_POLICY", o.WaitPolicies[0]).ToUpperInvariant();
        if (o.TorchWaitPolicies is not null && policy != o.WaitPolicies[0])
            throw new UserInputException($"OMP_WAIT_POLICY is {policy} in the environment; --in-process cannot measure {o.WaitPolicies[0]}.");
        foreach (var line in TorchSharpNative.EnsureLoadable())
            log.Report($"TorchSharp native bridge: {line}");
        EngineChildCommand.TrySetInteropThreads(o.Threads);
        var peaks = ids.Select(PeakCommand.Measure).ToList();
        var settings = EngineSetting.Sweep(o with { TorchWaitPolicies = [policy] }, ids);
        var results = new List<TowerResult>();
        foreach (var tower in towers)
        {
            // Fresh devices per tower, as in `siamese bench`: nothing of one tower's run stays for the next.
            var engines = new List<IPairEngine>();
            try
            {
                foreach (var setting in settings)
                    engines.Add(setting.Create(tower, data, o.Seed, ComputeDevice.Open));
                var measured = ThroughputRun.Measure(engines, new ThroughputOptions(o.Repetitions, o.Warmup, o.Seconds), log);
                var facts = new ProcessFacts(Environment.ProcessId, policy, Environment.GetEnvironmentVariable("POCL_MAX_PTHREAD_COUNT"),
                    MallocThresholds.Applied, TorchSharp.torch.get_num_threads(), ProcessFacts.TieredCompilationOn);
                results.Add(TowerResult.Of(tower,
                    settings.Select((s, i) => new SettingResult(s, measured[i], EngineChildCommand.LastMeanLoss(engines[i]), facts)).ToList()));
            }
            finally
            {
                foreach (var engine in engines)
                    engine.Dispose();
            }
        }
        return (peaks, results);
    }

    private static readonly JsonSerializerOptions Json = new(EngineChildCommand.Json) { WriteIndented = true };

    private static object ToJson(EndToEndOptions o, BenchmarkData data, IReadOnlyList<PeakCommand.DevicePeaks> peaks,
        IReadOnlyList<TowerResult> results) => new
    {
        units = new
        {
            training = "pairs/s", inference = "pairs/s", peak = "GFLOP/s",
            ratio = "ours / the fastest setting of the peer (torchsharp for training and inference apart, onnxruntime for inference; above 1: ours is faster)",
        },
        settings = new
        {
            isolation = o.InProcess ? "in-process" : "processes (every sample in a child process of its own, one at a time)",
            trainBatch = 64, inferenceBatch = 256, o.Repetitions, warmupSteps = o.Warmup, secondsPerSample = o.Seconds,
            threads = o.Threads, o.Seed, processorCount = Environment.ProcessorCount,
            torchWaitPolicies = o.InProcess ? results.FirstOrDefault()?.Torch.Select(t => t.Setting.WaitPolicy).Distinct() : o.WaitPolicies,
            torchThreads = o.TorchThreadCounts, torchCalls = o.TorchCalls.Select(TorchPairEngine.CallsOf), onnxThreads = o.OnnxThreadCounts,
            malloc = MallocThresholds.Applied,
        },
        data = new { source = data.Source, data.Synthetic, trainPairs = data.TrainPairs.Count, testPairs = data.TestPairs.Count },
        devices = peaks.Select(p => new
        {
            id = p.Device, name = p.Name,
            peak = new
            {
                measuredGflopsPerSecond = Round(p.MeasuredGflopsPerSecond, 1), measured = p.Measured,
                nominalGflopsPerSecond = Round(p.NominalGflopsPerSecond, 1), nominal = p.Nominal,
            },
        }),
        towers = results.Select(r => new
        {
            tower = r.Tower,
            loss = BenchmarkTowers.LossOf(r.Tower).ToString().ToLowerInvariant(),
            ours = r.Ours.Select(Setting),
            torchsharp = new
            {
                version = TorchPairEngine.TorchSharpVersion,
                bestTraining = r.TorchBest.Training?.Throughput.Engine, bestInference = r.TorchBest.Inference?.Throughput.Engine,
                settings = r.Torch.Select(Setting),
            },
            onnxruntime = new
            {
                version = OnnxPairEngine.Version, opset = IlgpuSiamese.Training.Onnx.OnnxExport.Opset,
                bestInference = r.OnnxBest.Inference?.Throughput.Engine, settings = r.Onnx.Select(Setting),
            },
            ratios = r.Ratios.Select(q => new
            {
                q.Engine, q.TrainingPeer, training = Round(q.Training, 4), q.InferencePeer, inference = Round(q.Inference, 4),
                q.OnnxPeer, inferenceVsOnnx = Round(q.InferenceVsOnnx, 4),
            }),
            betweenDevices = r.BetweenDevices.Select(q => new { q.Engine, q.Versus, training = Round(q.Training, 4), inference = Round(q.Inference, 4) }),
        }),
    };

    private static object Setting(SettingResult s) => new
    {
        engine = s.Throughput.Engine, description = s.Throughput.Description,
        kind = s.Setting.Kind.ToString().ToLowerInvariant(), s.Setting.Device, threads = s.Setting.Threads, waitPolicy = s.Setting.WaitPolicy,
        calls = s.Setting.Kind == EngineKind.TorchSharp ? TorchPairEngine.CallsOf(s.Setting.TwinsInOneCall) : null,
        training = s.Throughput.Training.Measured ? Figures(s.Throughput.Training, "stepsPerSample") : null,
        inference = Figures(s.Throughput.Inference, "batchesPerSample"),
        lastMeanLoss = s.LastMeanLoss is { } loss ? Math.Round(loss, 6) : (double?)null,
        process = s.Facts,
    };

    private static double? Round(double? value, int digits) => value is { } v ? Math.Round(v, digits) : null;

    private static Dictionary<string, object> Figures(Throughput t, string perSample) => new()
    {
        ["median"] = Math.Round(t.Median, 2),
        ["min"] = Math.Round(t.Min, 2),
        ["max"] = Math.Round(t.Max, 2),
        ["samples"] = t.Samples.Select(s => Math.Round(s, 2)).ToArray(),
        [perSample] = t.PerSample,
    };

    /// <summary>A Markdown table (it prints well in a terminal and pastes into docs as it is).</summary>
    public static string Table(EndToEndOptions o, BenchmarkData data, IReadOnlyList<PeakCommand.DevicePeaks> peaks, IReadOnlyList<TowerResult> results)
    {
        var text = new StringBuilder();
        var how = o.InProcess
            ? $"every engine in one process (OMP_WAIT_POLICY={Environment.GetEnvironmentVariable("OMP_WAIT_POLICY")})"
            : "every sample in a child process of its own, one at a time, the settings in turns";
        text.AppendLine(CultureInfo.InvariantCulture, $"Data: {data.Source}. Batches: 64 pairs to train, 256 to infer; ours on {o.Threads} threads; " +
                                                     $"medians of {o.Repetitions} samples of ~{o.Seconds:0.##} s, [min-max]; {how}; " +
                                                     $"glibc malloc: {MallocThresholds.Applied.How}.");
        foreach (var p in peaks)
            text.AppendLine(CultureInfo.InvariantCulture, $"Peak of {p.Device} ({p.Name}): {p.Measured}; nominal: {p.Nominal}.");
        text.AppendLine("Ratio = ours / the fastest TorchSharp setting (for training and inference apart: marked \"peer\"), " +
                        "and ours / the fastest ONNX Runtime setting for inference (it does not train).");
        text.AppendLine();
        text.AppendLine("| tower | engine | training pairs/s | inference pairs/s | training ratio | inference ratio | inference ratio vs ONNX Runtime |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            foreach (var (e, q) in r.Ours.Zip(r.Ratios))
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {r.Tower} | {Name(e)} | {Cell(e.Throughput.Training)} | {Cell(e.Throughput.Inference)} | {Times(q.Training)} | {Times(q.Inference)} | {Times(q.InferenceVsOnnx)} |");
            foreach (var t in r.Torch)
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {r.Tower} | {Name(t)} | {Cell(t.Throughput.Training)} | {Cell(t.Throughput.Inference)} | " +
                    $"{(t == r.TorchBest.Training ? "peer" : "")} | {(t == r.TorchBest.Inference ? "peer" : "")} | |");
            foreach (var n in r.Onnx)
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {r.Tower} | {Name(n)} | {Cell(n.Throughput.Training)} | {Cell(n.Throughput.Inference)} | | | {(n == r.OnnxBest.Inference ? "peer" : "")} |");
        }
        var between = results.SelectMany(r => r.BetweenDevices).ToList();
        if (between.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| tower | between our devices | training | inference |");
            text.AppendLine("| --- | --- | ---: | ---: |");
            foreach (var q in between)
                text.AppendLine(CultureInfo.InvariantCulture, $"| {q.Tower} | {q.Engine} / {q.Versus} | {Times(q.Training)} | {Times(q.Inference)} |");
        }
        return text.ToString();
    }

    private static string Name(SettingResult s) => $"{s.Throughput.Engine} ({s.Throughput.Description})";

    private static string Cell(Throughput t) => !t.Measured ? "n/a (inference only)" :
        string.Create(CultureInfo.InvariantCulture, $"{Number(t.Median)} [{Number(t.Min)}-{Number(t.Max)}]");

    private static string Number(double value) =>
        value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.0#", CultureInfo.InvariantCulture);

    private static string Times(double? ratio) => ratio is { } x
        ? x >= 0.1 ? x.ToString("0.00", CultureInfo.InvariantCulture) + "x" : x.ToString("0.000#", CultureInfo.InvariantCulture) + "x"
        : "-";

    private sealed class Reporter(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
