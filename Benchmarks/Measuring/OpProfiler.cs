using System.Diagnostics;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Measuring;

/// <summary>
/// The timing loop of <see cref="LayerProfile"/> (a training step) and <see cref="InferenceProfile"/> (an inference batch):
/// untimed whole passes first, then per repetition one pass op by op, each op between two synchronisations of the device,
/// and one whole pass timed on its own. Synchronising between ops removes the overlap of queued launches, so the ops' sum is
/// a little above the whole pass. Medians over the repetitions.
/// </summary>
public static class OpProfiler
{
    /// <summary>Runs one op of the profiled pass, waits for the device and records its time under these names.</summary>
    public delegate void TimeOp(string op, string kind, int? layer, string pass, OpCost cost, Action run, string path = "-");

    public static (IReadOnlyList<OpTiming> Ops, IReadOnlyList<double> WholeMs) Measure(ComputeDevice device, int repetitions, int warmup,
        Action whole, Action<TimeOp> profiled)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        // At least one untimed pass: kernels load on first use, which is no part of a pass's time.
        for (var s = 0; s < Math.Max(1, warmup); s++)
            whole();
        var samples = new List<double[]>();
        var wholeMs = new List<double>();
        List<(string Op, string Kind, int? Layer, string Pass, OpCost Cost, string Path)>? ops = null;
        for (var r = 0; r < repetitions; r++)
        {
            var timed = new List<(string, string, int?, string, OpCost, string)>();
            var times = new List<double>();
            device.Synchronize();
            profiled((op, kind, layer, pass, cost, run, path) =>
            {
                var clock = Stopwatch.StartNew();
                run();
                device.Synchronize();
                times.Add(clock.Elapsed.TotalMilliseconds);
                timed.Add((op, kind, layer, pass, cost, path));
            });
            ops ??= timed;
            samples.Add(times.ToArray());
            var wholeClock = Stopwatch.StartNew();
            whole();
            wholeMs.Add(wholeClock.Elapsed.TotalMilliseconds);
        }
        var rows = ops!.Select((o, i) =>
        {
            var opSamples = samples.Select(s => s[i]).ToArray();
            return new OpTiming(i, o.Op, o.Kind, o.Layer, o.Pass, BenchmarkStatistics.Median(opSamples), opSamples, o.Cost, o.Path);
        }).ToList();
        return (rows, wholeMs);
    }
}
