using System.Text.Json;
using IlgpuSiamese.Kernels;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Measuring;
using IlgpuSiamese.Network;
using Spectre.Console;

namespace IlgpuSiamese.Cli.Commands;

/// <summary>
/// <c>siamese bench --layers</c>: one training step op by op (<see cref="LayerProfile"/>), a table per tower and
/// device sorted by time, with each op's share of the step, its modelled FLOPs and bytes, GFLOP/s against
/// the peak measured on the device (<see cref="FmaPeak"/>, the nominal one beside it), its time against its roofline floor and the named
/// path its op's plan took; the sum of the ops against the whole step timed on its own.
/// </summary>
public static class BenchLayers
{
    public static int Run(string deviceOption, IReadOnlyList<string> towers, int pairs, bool inference, int repetitions, int warmup,
        bool asJson, string? dataDir, int seed)
    {
        var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var log = new BenchCommand.Reporter(message => stderr.MarkupLine($"[grey]{Markup.Escape(message)}[/]"));
        var ids = BenchmarkDevices.Resolve(deviceOption);
        var data = BenchmarkData.Load(dataDir, seed, log);
        log.Report($"Data: {data.Source}.");
        var available = inference ? data.TestPairs.Count : data.TrainPairs.Count;
        if (available < pairs)
            throw new UserInputException($"--batch {pairs} is more than the {available} {(inference ? "test" : "training")} pairs.");
        var results = new List<LayerProfileResult>();
        foreach (var tower in towers)
        {
            foreach (var id in ids)
            {
                var what = inference ? "inference batches" : "steps";
                log.Report($"{tower} on {id}: {warmup} warm-up {what}, then {repetitions} profiled {what} of {pairs} pairs");
                using var device = ComputeDevice.Open(id);
                if (inference)
                {
                    using var profile = new InferenceProfile(device, tower, data, pairs, seed);
                    results.Add(profile.Measure(repetitions, warmup));
                }
                else
                {
                    using var profile = new LayerProfile(device, tower, data, pairs, seed);
                    results.Add(profile.Measure(repetitions, warmup));
                }
            }
        }
        if (asJson)
            Console.WriteLine(JsonSerializer.Serialize(ToJson(data, pairs, inference, repetitions, warmup, seed, results), JsonOutput.Options));
        else
            Print(data, inference, repetitions, results);
        return ExitCodes.Ok;
    }

    private static string Short(string pass) => pass switch { "forward" => "fwd", "backward" => "bwd", _ => pass };

    private static string Unit(bool inference) => inference ? "inference batch" : "training step";

    private static double Percent(double part, double whole) => whole > 0 ? 100 * part / whole : 0;

    private static double? PercentOfPeak(OpTiming op, DevicePeak peak) =>
        op.GflopsPerSecond is { } g && peak.GflopsPerSecond is { } p && p > 0 ? 100 * g / p : null;

    private static object ToJson(BenchmarkData data, int pairs, bool inference, int repetitions, int warmup, int seed, List<LayerProfileResult> results) => new
    {
        units = new { time = "ms (median)", flops = "FLOP", bytes = "bytes (modelled compulsory traffic)", rate = "GFLOP/s", bandwidth = "GB/s", floor = "ms: max(FLOPs at the measured peak, bytes at the bandwidth)" },
        data = new { source = data.Source, data.Synthetic },
        settings = new { profiled = Unit(inference), pairs, repetitions, warmup, seed, processorCount = Environment.ProcessorCount },
        results = results.Select(r => new
        {
            tower = r.Tower,
            device = r.Device.Id,
            description = r.Description,
            r.Pairs,
            r.Images,
            r.Parameters,
            peak = new { gflopsPerSecond = r.Peak.GflopsPerSecond, assumption = r.Peak.Assumption },
            nominalPeak = new { gflopsPerSecond = r.NominalPeak.GflopsPerSecond, assumption = r.NominalPeak.Assumption },
            bandwidth = new { gbPerSecond = r.Bandwidth.GigabytesPerSecond, assumption = r.Bandwidth.Assumption },
            step = new { medianMs = r.StepMedianMs, samplesMs = r.StepSamplesMs },
            sumOfOpsMs = r.SumOfMediansMs,
            ops = r.Ops.OrderByDescending(o => o.MedianMs).Select(o => new
            {
                o.Order,
                op = o.Op,
                kind = o.Kind,
                layer = o.Layer,
                pass = o.Pass,
                path = o.Path,
                medianMs = o.MedianMs,
                samplesMs = o.SamplesMs,
                percentOfStep = Percent(o.MedianMs, r.StepMedianMs),
                flops = o.Cost.Flops,
                bytes = o.Cost.Bytes,
                gflopsPerSecond = o.GflopsPerSecond,
                gbPerSecond = o.MedianMs > 0 ? o.Cost.Bytes / (o.MedianMs * 1e6) : (double?)null,
                percentOfPeak = PercentOfPeak(o, r.Peak),
                floorMs = r.FloorMs(o),
                timesFloor = r.TimesFloor(o),
            }),
        }),
    };

    private static void Print(BenchmarkData data, bool inference, int repetitions, List<LayerProfileResult> results)
    {
        // Redirected output is 80 columns to Spectre, which would fold every row; a file or a pipe can take a wide table.
        if (Console.IsOutputRedirected && AnsiConsole.Profile.Width < 160)
            AnsiConsole.Profile.Width = 160;
        AnsiConsole.MarkupLine($"Data: {Markup.Escape(data.Source)}. One {Unit(inference)} op by op, the device synchronised around each op; " +
                               $"ms: medians of {repetitions}; % step: of the whole {Unit(inference)} timed on its own. FLOPs and bytes are modelled from the shapes (Benchmarks/Measuring/OpCosts.cs).");
        foreach (var r in results)
        {
            AnsiConsole.MarkupLine($"\n[bold]{Markup.Escape(r.Tower)}[/] on {Markup.Escape($"{r.Device.Id} {r.Description}")}: " +
                                   $"{r.Pairs} pairs ({r.Images} images through the tower), {r.Parameters:N0} parameters");
            var table = new Table().AddColumns("op", "pass", "ms", "% step", "GFLOP", "MB", "GFLOP/s", "% peak", "floor ms", "× floor", "path");
            table.Columns[0].NoWrap();
            foreach (var c in table.Columns.Skip(2).SkipLast(1))
                c.RightAligned();
            foreach (var o in r.Ops.OrderByDescending(o => o.MedianMs))
                table.AddRow(Markup.Escape(o.Op), Short(o.Pass), $"{o.MedianMs:0.00}", $"{Percent(o.MedianMs, r.StepMedianMs):0.0}",
                    $"{o.Cost.Flops / 1e9:0.0000}", $"{o.Cost.Bytes / 1e6:0.00}", o.GflopsPerSecond is { } g ? $"{g:0.00}" : "-",
                    PercentOfPeak(o, r.Peak) is { } p ? $"{p:0.0}" : (r.Peak.GflopsPerSecond is null && o.Cost.Flops > 0 ? "n/a" : "-"),
                    r.FloorMs(o) is { } floor ? $"{floor:0.000}" : "-", r.TimesFloor(o) is { } times ? $"{times:0.0}" : "-", Markup.Escape(o.Path));
            AnsiConsole.Write(table);
            var flops = r.Ops.Sum(o => o.Cost.Flops);
            AnsiConsole.MarkupLine($"Sum of the ops {r.SumOfMediansMs:0.00} ms; the whole {Unit(inference)} measured on its own {r.StepMedianMs:0.00} ms " +
                                   $"(median, [[{r.StepSamplesMs.Min():0.00}-{r.StepSamplesMs.Max():0.00}]]), {flops / 1e9:0.000} GFLOP: " +
                                   $"{flops / (r.StepMedianMs * 1e6):0.0} GFLOP/s overall.");
            AnsiConsole.MarkupLine(Markup.Escape($"Peak: {r.Peak.Assumption} (nominal: {r.NominalPeak.Assumption}). Bandwidth: {r.Bandwidth.Assumption}. " +
                                                 $"Floor: the longer of an op's FLOPs at the peak and its bytes at the bandwidth; the whole {Unit(inference)}'s floor {r.Ops.Sum(o => r.FloorMs(o) ?? 0):0.00} ms."));
        }
    }
}
