using System.Runtime.InteropServices;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TorchSharp;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Measuring;
using IlgpuSiamese.Network;

namespace IlgpuSiamese.Benchmarks.EndToEnd;

/// <summary>The options of <c>e2e</c>.</summary>
public sealed record EndToEndOptions
{
    public string Device { get; init; } = BenchmarkDevices.All;
    public string Tower { get; init; } = "both";
    public bool Json { get; init; }
    public int Repetitions { get; init; } = 5;
    public double Seconds { get; init; } = 1.0;
    public int Warmup { get; init; } = 3;
    public int Threads { get; init; } = 2;
    public string? DataDir { get; init; }
    public int Seed { get; init; } = 42;

    public static EndToEndOptions Parse(IReadOnlyList<string> args)
    {
        var options = new EndToEndOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new UserInputException($"{args[i]} needs a value.");
            int Int() => int.TryParse(Value(), CultureInfo.InvariantCulture, out var v) ? v : throw new UserInputException($"{args[i - 1]} takes an integer.");
            options = args[i] switch
            {
                "--device" => options with { Device = Value() },
                "--tower" => options with { Tower = Value() },
                "--json" => options with { Json = true },
                "--repetitions" => options with { Repetitions = Int() },
                "--seconds" => options with
                {
                    Seconds = double.TryParse(Value(), CultureInfo.InvariantCulture, out var s) ? s : throw new UserInputException("--seconds takes a number."),
                },
                "--warmup" => options with { Warmup = Int() },
                "--threads" => options with { Threads = Int() },
                "--data-dir" => options with { DataDir = Value() },
                "--seed" => options with { Seed = Int() },
                _ => throw new UserInputException($"unknown option {args[i]} (see: Benchmarks with no arguments)."),
            };
        }
        if (options.Threads < 1)
            throw new UserInputException("--threads must be at least 1.");
        return options;
    }
}

/// <summary>
/// <c>e2e</c>: this engine on each accelerator asked for, TorchSharp-cpu and (inference only) ONNX Runtime running the
/// exported graph, in one process, on the same images and pairs, the same batches (64 pairs to train, 256 to infer)
/// and the same thread count, every engine warmed up and then timed in turns (<see cref="ThroughputRun"/>). Prints
/// medians and the ratios ours / TorchSharp and ours / ONNX Runtime.
/// </summary>
public static class EndToEndCommand
{
    public static int Run(string[] args)
    {
        try
        {
            return Run(EndToEndOptions.Parse(args));
        }
        catch (Exception e) when (e is UserInputException or DeviceRequestException or FormatException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    public static int Run(EndToEndOptions o)
    {
        var towers = BenchmarkTowers.Parse(o.Tower);
        var throughput = new ThroughputOptions(o.Repetitions, o.Warmup, o.Seconds);
        throughput.Validate();
        var log = new Reporter(message => Console.Error.WriteLine(message));
        // Read by native libraries as they load, so set before any device is opened or TorchSharp touched.
        // PoCL sizes its thread pool from POCL_MAX_PTHREAD_COUNT. libtorch's OpenMP (libgomp) by default spins
        // at every barrier; on a machine whose cores other processes share, a spinning thread burns the time
        // its partner needs, and libtorch with 2 threads then ran 3-10x slower than with 1 here. PASSIVE makes
        // waiting threads sleep. Both are reported; a value the user set is kept.
        NativeEnvironment.SetDefault("POCL_MAX_PTHREAD_COUNT", o.Threads.ToString(CultureInfo.InvariantCulture));
        NativeEnvironment.SetDefault("OMP_WAIT_POLICY", "PASSIVE");
        foreach (var line in TorchSharpNative.EnsureLoadable())
            log.Report($"TorchSharp native bridge: {line}");
        torch.set_num_threads(o.Threads);
        TrySetInteropThreads(o.Threads);
        // "none": TorchSharp alone, to see what the other engines in the process cost it.
        var ids = o.Device.Trim().Equals("none", StringComparison.OrdinalIgnoreCase) ? [] : BenchmarkDevices.Resolve(o.Device);
        var data = BenchmarkData.Load(o.DataDir, o.Seed, log);
        log.Report($"Data: {data.Source}; {data.TrainPairs.Count:N0} training pairs, {data.TestPairs.Count:N0} test pairs.");
        var infos = new List<DeviceInfo>();
        var results = new List<TowerResult>();
        foreach (var tower in towers)
        {
            // Fresh devices per tower, as in `siamese bench`: nothing of one tower's run stays for the next.
            var devices = new List<ComputeDevice>();
            var engines = new List<IPairEngine>();
            try
            {
                foreach (var id in ids)
                    devices.Add(ComputeDevice.Open(id));
                if (infos.Count == 0)
                    infos.AddRange(devices.Select(d => d.Info));
                engines.AddRange(devices.Select(d => new IlgpuPairEngine(d, tower, data, seed: o.Seed)));
                engines.Add(new TorchPairEngine(tower, data, seed: o.Seed));
                engines.Add(new OnnxPairEngine(tower, data, o.Threads, seed: o.Seed));
                var measured = ThroughputRun.Measure(engines, throughput, log);
                var (torchResult, onnxResult) = (measured[^2], measured[^1]);
                var ours = measured.Take(measured.Count - 2).ToList();
                var ratios = ours.Select(r => ThroughputRatio.Of(r, torchResult))
                    .Concat(ours.Select(r => ThroughputRatio.Of(r, onnxResult)))
                    .Concat(ThroughputRatio.AllPairs(ours))
                    .ToList();
                var losses = engines.Select(e => e switch
                {
                    IlgpuPairEngine i => i.LastMeanLoss,
                    TorchPairEngine t => t.LastMeanLoss,
                    _ => double.NaN,
                }).ToList();
                results.Add(new TowerResult(tower, ours, torchResult, onnxResult, ratios, losses));
            }
            finally
            {
                foreach (var engine in engines)
                    engine.Dispose();
                foreach (var d in devices)
                    d.Dispose();
            }
        }
        if (o.Json)
        {
            // The figures for a person go to stderr, so that stdout holds only the JSON.
            Console.Error.Write(Table(o, data, results));
            Console.WriteLine(JsonSerializer.Serialize(ToJson(o, data, infos, results), Json));
        }
        else
            Console.Write(Table(o, data, results));
        return 0;
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public sealed record TowerResult(string Tower, IReadOnlyList<EngineThroughput> Ours, EngineThroughput Torch, EngineThroughput Onnx,
        IReadOnlyList<ThroughputRatio> Ratios, IReadOnlyList<double> LastMeanLosses);

    private static void TrySetInteropThreads(int threads)
    {
        try
        {
            torch.set_num_interop_threads(threads);
        }
        catch (Exception e) when (e is ExternalException or InvalidOperationException)
        {
            // libtorch allows this only before its first parallel work; the intra-op count is what matters here.
        }
    }

    private static object ToJson(EndToEndOptions o, BenchmarkData data, List<DeviceInfo> devices, List<TowerResult> results) => new
    {
        units = new { training = "pairs/s", inference = "pairs/s", ratio = "ours / peer (torchsharp or onnxruntime; above 1: ours is faster)" },
        settings = new
        {
            trainBatch = 64, inferenceBatch = 256, o.Repetitions, warmupSteps = o.Warmup, secondsPerSample = o.Seconds,
            threads = o.Threads, torchThreads = torch.get_num_threads(), o.Seed, processorCount = Environment.ProcessorCount,
            poclMaxPthreadCount = Environment.GetEnvironmentVariable("POCL_MAX_PTHREAD_COUNT"),
            ompWaitPolicy = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"),
            // glibc serves allocations above its mmap threshold (at most 32 MiB by default) with fresh pages; libtorch's
            // activations at batch 256 are larger, so each batch page-faults them in. Set at process start, if at all.
            mallocMmapThreshold = Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_"),
        },
        data = new { source = data.Source, data.Synthetic, trainPairs = data.TrainPairs.Count, testPairs = data.TestPairs.Count },
        devices = devices.Select(d => new { id = d.Id, name = d.Name, parallelism = d.Parallelism, unit = d.ParallelismUnit }),
        towers = results.Select(r => new
        {
            tower = r.Tower,
            loss = BenchmarkTowers.LossOf(r.Tower).ToString().ToLowerInvariant(),
            ours = r.Ours.Select((e, i) => new
            {
                engine = e.Engine, description = e.Description,
                training = Figures(e.Training, "stepsPerSample"), inference = Figures(e.Inference, "batchesPerSample"),
                lastMeanLoss = Finite(r.LastMeanLosses[i]),
            }),
            torchsharp = new
            {
                engine = r.Torch.Engine, description = r.Torch.Description, version = TorchPairEngine.TorchSharpVersion,
                threads = torch.get_num_threads(),
                training = Figures(r.Torch.Training, "stepsPerSample"), inference = Figures(r.Torch.Inference, "batchesPerSample"),
                lastMeanLoss = Finite(r.LastMeanLosses[^2]),
            },
            onnxruntime = new
            {
                engine = r.Onnx.Engine, description = r.Onnx.Description, version = OnnxPairEngine.Version, intraOpThreads = o.Threads,
                opset = IlgpuSiamese.Training.Onnx.OnnxExport.Opset,
                training = "not applicable (inference only)", inference = Figures(r.Onnx.Inference, "batchesPerSample"),
            },
            ratios = r.Ratios.Select(q => new { q.Engine, q.Versus, training = Round(q.Training, 4), inference = Round(q.Inference, 4) }),
        }),
    };

    private static double? Finite(double value) => double.IsFinite(value) ? Math.Round(value, 6) : null;

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
    public static string Table(EndToEndOptions o, BenchmarkData data, IReadOnlyList<TowerResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Data: {data.Source}. Batches: 64 pairs to train, 256 to infer; {o.Threads} threads; " +
                                                     $"medians of {o.Repetitions} samples of ~{o.Seconds:0.##} s, [min-max]; " +
                                                     $"OMP_WAIT_POLICY={Environment.GetEnvironmentVariable("OMP_WAIT_POLICY")}{MallocSetting()}. " +
                                                     $"Ratio = ours / TorchSharp, and ours / ONNX Runtime for inference (it does not train).");
        text.AppendLine();
        text.AppendLine("| tower | engine | training pairs/s | inference pairs/s | training ratio | inference ratio | inference ratio vs ONNX Runtime |");
        text.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            foreach (var e in r.Ours)
            {
                var q = r.Ratios.First(x => x.Engine == e.Engine && x.Versus == r.Torch.Engine);
                var v = r.Ratios.First(x => x.Engine == e.Engine && x.Versus == r.Onnx.Engine);
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {r.Tower} | {e.Engine} ({e.Description}) | {Cell(e.Training)} | {Cell(e.Inference)} | {Times(q.Training)} | {Times(q.Inference)} | {Times(v.Inference)} |");
            }
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Tower} | {r.Torch.Engine} ({r.Torch.Description}) | {Cell(r.Torch.Training)} | {Cell(r.Torch.Inference)} | 1 | 1 | |");
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Tower} | {r.Onnx.Engine} ({r.Onnx.Description}) | {Cell(r.Onnx.Training)} | {Cell(r.Onnx.Inference)} | | | 1 |");
        }
        var between = results.SelectMany(r => r.Ratios.Where(q => q.Versus != r.Torch.Engine && q.Versus != r.Onnx.Engine)).ToList();
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

    private static string MallocSetting() =>
        Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is { Length: > 0 } threshold ? $", MALLOC_MMAP_THRESHOLD_={threshold}" : "";

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
