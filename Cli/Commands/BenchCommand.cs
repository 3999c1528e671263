using System.CommandLine;
using System.Text.Json;
using IlgpuSiamese.Kernels;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Measuring;
using IlgpuSiamese.Training;
using Spectre.Console;

namespace IlgpuSiamese.Cli.Commands;

/// <summary>
/// <c>siamese bench</c>: this engine's own speed, training and inference pairs per second, per tower and
/// per accelerator, every accelerator timed side by side in one run (so the ratios between them are fair);
/// device memory against the batch size and the host allocations of a step. Progress goes to stderr.
/// The comparison with TorchSharp lives in the Benchmarks project (<c>Benchmarks -- e2e</c>).
/// </summary>
public static class BenchCommand
{
    private const int HostAllocationSteps = 3;

    public static Command Create()
    {
        var device = new Option<string>("--device")
        {
            Description = "all (every usable accelerator), or a comma-separated list of auto|cuda|opencl|cpu[:N].",
            DefaultValueFactory = _ => "all",
        };
        var tower = new Option<string>("--tower")
        {
            Description = "flat, keras, or both.",
            DefaultValueFactory = _ => "both",
        };
        var repetitions = new Option<int>("--repetitions")
        {
            Description = "Timed samples per figure; the median is reported.",
            DefaultValueFactory = _ => 5,
        }.Within(1, 1000);
        var seconds = new Option<double>("--seconds")
        {
            Description = "About how long each timed sample lasts, in seconds.",
            DefaultValueFactory = _ => 1.0,
        }.Within(0.001, 600);
        var warmup = new Option<int>("--warmup")
        {
            Description = "Untimed training steps before timing.",
            DefaultValueFactory = _ => 3,
        }.Within(0, 10_000);
        var layers = new Option<bool>("--layers")
        {
            Description = "Profile one training step op by op instead: every layer's forward and backward, the head, zeroing, Adam and the image gather, " +
                          "with time, FLOPs, bytes, GFLOP/s against the device's peak as measured by a kernel of fused multiply-adds (the nominal one beside it) and time against its roofline floor (FLOPs at that peak or bytes at the memory bandwidth, whichever is longer) (medians of --repetitions steps after --warmup).",
        };
        var inference = new Option<bool>("--inference")
        {
            Description = "With --layers: profile an inference batch (the evaluator's forward without dropout, the head, the read back) instead of a training step.",
        };
        var batch = new Option<int?>("--batch")
        {
            Description = "Pairs per profiled step or batch for --layers (default 64 as in training, 256 with --inference; smaller for a quick look on a slow device).",
        }.Within(1, 4096);
        var augment = new Option<bool>("--augment")
        {
            Description = "Also time training with train --augment: a second engine per accelerator (\"+augment\", its own device) in the same " +
                          "rotation, so the ratio table shows what augmenting on the device costs.",
        };
        var mining = new Option<bool>("--mining")
        {
            Description = "Also time training with train --loss triplet --mining batch-hard (balanced batches of 8 classes x 16 images, the images of 64 pairs): " +
                          "another engine per accelerator (\"+batch-hard\", its own device) in the same rotation, so the ratio table shows what mining costs a step.",
        };
        var json = CommonOptions.Json();
        var dataDir = CommonOptions.DataDir();
        var seed = CommonOptions.Seed();
        var command = new Command("bench",
            "Time training and inference (pairs/s, medians) per tower and accelerator, side by side; device memory against batch size.")
        {
            device, tower, repetitions, seconds, warmup, layers, inference, batch, augment, mining, json, dataDir, seed,
        };
        command.Subcommands.Add(BenchServe.Create());
        command.SetAction(parse =>
        {
            var options = new ThroughputOptions(parse.GetValue(repetitions), parse.GetValue(warmup), parse.GetValue(seconds));
            var towers = BenchmarkTowers.Parse(parse.GetValue(tower)!);
            if (parse.GetValue(layers))
            {
                if (parse.GetValue(augment) || parse.GetValue(mining))
                    throw new UsageException("--augment and --mining time whole training steps side by side; --layers profiles one plain step: give one of them.");
                var profileInference = parse.GetValue(inference);
                return BenchLayers.Run(parse.GetValue(device)!, towers, parse.GetValue(batch) ?? (profileInference ? 256 : 64), profileInference,
                    parse.GetValue(repetitions), parse.GetValue(warmup), parse.GetValue(json), parse.GetValue(dataDir), parse.GetValue(seed));
            }
            return Run(parse.GetValue(device)!, towers, options, new Variants(parse.GetValue(augment), parse.GetValue(mining)), parse.GetValue(json),
                parse.GetValue(dataDir), parse.GetValue(seed));
        });
        return command;
    }

    /// <summary>The engines timed beside the plain one on each accelerator.</summary>
    private sealed record Variants(bool Augment, bool Mining);

    private static int Run(string deviceOption, IReadOnlyList<string> towers, ThroughputOptions options, Variants variants, bool asJson, string? dataDir, int seed)
    {
        var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var log = new Reporter(message => stderr.MarkupLine($"[grey]{Markup.Escape(message)}[/]"));
        var ids = BenchmarkDevices.Resolve(deviceOption);
        var data = BenchmarkData.Load(dataDir, seed, log);
        log.Report($"Data: {data.Source}; {data.TrainPairs.Count:N0} training pairs, {data.TestPairs.Count:N0} test pairs.");
        var rows = new List<Row>();
        var memory = new List<MemoryProfile>();
        var infos = new List<DeviceInfo>();
        foreach (var name in towers)
        {
            // Fresh devices per tower: the kernels' scratch buffers then belong to this tower alone.
            var devices = new List<ComputeDevice>();
            var engines = new List<IlgpuPairEngine>();
            try
            {
                foreach (var id in ids)
                    devices.Add(ComputeDevice.Open(id));
                if (infos.Count == 0)
                    infos.AddRange(devices.Select(d => d.Info));
                engines.AddRange(devices.Select(d => new IlgpuPairEngine(d, name, data, seed: seed)));
                // Each variant's engine on a device of its own, so that every engine's kernel scratch is its own.
                foreach (var (wanted, augment, mined) in new[] { (variants.Augment, true, false), (variants.Mining, false, true) })
                {
                    if (!wanted)
                        continue;
                    foreach (var id in ids)
                    {
                        devices.Add(ComputeDevice.Open(id));
                        engines.Add(new IlgpuPairEngine(devices[^1], name, data, seed: seed, augment: augment, mined: mined));
                    }
                }
                var measured = ThroughputRun.Measure(engines, options, log);
                for (var i = 0; i < engines.Count; i++)
                {
                    log.Report($"{name} on {engines[i].Id}: host allocations over {HostAllocationSteps} steps");
                    var host = engines[i].MeasureHostAllocations(HostAllocationSteps);
                    rows.Add(new Row(measured[i], engines[i].Device.Info, engines[i].ParameterCount, host,
                        engines[i].NetworkBytes, engines[i].ImageBytes, engines[i].WorkspaceBytes, engines[i].LastMeanLoss));
                }
                foreach (var engine in engines)
                    engine.Dispose();
                engines.Clear();
                // The network asks every device for the same buffers, so one device answers for all.
                memory.Add(DeviceMemory.AgainstBatch(devices[0], name, seed: seed));
            }
            finally
            {
                foreach (var engine in engines)
                    engine.Dispose();
                foreach (var d in devices)
                    d.Dispose();
            }
        }
        var ratios = ThroughputRatio.AllPairs(rows.Select(r => r.Result).ToList());
        if (asJson)
            Console.WriteLine(JsonSerializer.Serialize(ToJson(data, options, seed, infos, rows, ratios, memory), JsonOutput.Options));
        else
            Print(data, options, rows, ratios, memory);
        return ExitCodes.Ok;
    }

    private sealed record Row(EngineThroughput Result, DeviceInfo Device, int Parameters, HostAllocations Host, long NetworkBytes,
        long ImageBytes, long WorkspaceBytes, double LastMeanLoss);

    private static object ToJson(BenchmarkData data, ThroughputOptions options, int seed, List<DeviceInfo> devices, List<Row> rows,
        IReadOnlyList<ThroughputRatio> ratios, List<MemoryProfile> memory) => new
    {
        units = new { training = "pairs/s", inference = "pairs/s", memory = "bytes", host = "bytes per step" },
        data = new
        {
            source = data.Source, data.Synthetic, trainImages = data.Train.Count, testImages = data.Test.Count,
            trainPairs = data.TrainPairs.Count, testPairs = data.TestPairs.Count,
        },
        settings = new
        {
            options.Repetitions, options.WarmupSteps, options.SecondsPerSample, trainBatch = rows.FirstOrDefault()?.Result.TrainBatch,
            inferenceBatch = rows.FirstOrDefault()?.Result.InferenceBatch, seed, processorCount = Environment.ProcessorCount,
        },
        devices = devices.Select(d => new { id = d.Id, name = d.Name, parallelism = d.Parallelism, unit = d.ParallelismUnit }),
        results = rows.Select(r => new
        {
            tower = r.Result.Tower,
            engine = r.Result.Engine,
            device = r.Device.Id,
            description = r.Result.Description,
            parameters = r.Parameters,
            trainBatch = r.Result.TrainBatch,
            inferenceBatch = r.Result.InferenceBatch,
            training = ThroughputJson(r.Result.Training, "stepsPerSample"),
            inference = ThroughputJson(r.Result.Inference, "batchesPerSample"),
            hostAllocations = r.Host,
            deviceMemory = new
            {
                totalBytes = r.NetworkBytes + r.ImageBytes + r.WorkspaceBytes, networkBytes = r.NetworkBytes, imageBytes = r.ImageBytes,
                workspaceBytes = r.WorkspaceBytes, networkBatch = Math.Max(r.Result.TrainBatch, r.Result.InferenceBatch),
            },
            lastMeanLoss = double.IsFinite(r.LastMeanLoss) ? r.LastMeanLoss : (double?)null,
        }),
        ratios,
        memoryAgainstBatch = memory,
    };

    public static Dictionary<string, object> ThroughputJson(Throughput t, string perSampleName) => new()
    {
        ["median"] = Math.Round(t.Median, 2),
        ["min"] = Math.Round(t.Min, 2),
        ["max"] = Math.Round(t.Max, 2),
        ["spread"] = Math.Round(t.Spread, 4),
        ["samples"] = t.Samples.Select(s => Math.Round(s, 2)).ToArray(),
        [perSampleName] = t.PerSample,
    };

    private static void Print(BenchmarkData data, ThroughputOptions options, List<Row> rows, IReadOnlyList<ThroughputRatio> ratios,
        List<MemoryProfile> memory)
    {
        // Redirected output is 80 columns to Spectre, which would fold every row; a file or a pipe can take a wide table.
        if (Console.IsOutputRedirected && AnsiConsole.Profile.Width < 110)
            AnsiConsole.Profile.Width = 110;
        AnsiConsole.MarkupLine($"Data: {Markup.Escape(data.Source)}. Batches: training 64 pairs (+batch-hard: 8 classes x 16 images, counted as 64 pairs), inference 256 pairs. " +
                               $"Medians of {options.Repetitions} samples of ~{options.SecondsPerSample:0.##} s each, [[min-max]].");
        var table = new Table().AddColumns("tower", "device", "training pairs/s", "inference pairs/s", "host bytes/step", "device memory");
        foreach (var r in rows)
        {
            var variant = new[] { IlgpuPairEngine.AugmentSuffix, IlgpuPairEngine.MinedSuffix }.FirstOrDefault(v => r.Result.Engine.EndsWith(v, StringComparison.Ordinal)) ?? "";
            table.AddRow(r.Result.Tower, Markup.Escape($"{r.Device.Id}{variant} {r.Result.Description}"), Cell(r.Result.Training), Cell(r.Result.Inference),
                $"{r.Host.ThisThreadBytesPerStep:N0} ({r.Host.AllThreadsBytesPerStep:N0} all threads)",
                $"{Mib(r.NetworkBytes + r.ImageBytes + r.WorkspaceBytes)}: {Mib(r.NetworkBytes)} network, {Mib(r.WorkspaceBytes)} kernel scratch, {Mib(r.ImageBytes)} images");
        }
        AnsiConsole.Write(table);
        if (ratios.Count > 0)
        {
            var ratioTable = new Table().AddColumns("tower", "ratio", "training", "inference");
            foreach (var q in ratios)
                ratioTable.AddRow(q.Tower, Markup.Escape($"{q.Engine} / {q.Versus}"), Times(q.Training), Times(q.Inference));
            AnsiConsole.Write(ratioTable);
        }
        var memoryTable = new Table().AddColumns(["tower", .. memory[0].Points.Select(p => $"batch {p.Batch}"), "fixed", "per pair"]);
        foreach (var m in memory)
            memoryTable.AddRow([m.Tower, .. m.Points.Select(p => Mib(p.Bytes)), Mib((long)m.FixedBytes), $"{m.BytesPerPair / 1024:N1} KiB"]);
        AnsiConsole.MarkupLine("Device memory of the network alone (parameters, gradients, Adam moments, both branches' activations and gradients, head) against its largest batch; kernel scratch and images not included:");
        AnsiConsole.Write(memoryTable);
    }

    private static string Cell(Throughput t) => $"{t.Median:N0} [grey][[{t.Min:N0}-{t.Max:N0}]][/]";

    private static string Times(double? ratio) => ratio is { } x ? $"{x:0.00}x" : "-";

    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024):N1} MiB";

    /// <summary>An IProgress that reports on the calling thread, in order (Progress&lt;T&gt; posts to the thread pool).</summary>
    internal sealed class Reporter(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
