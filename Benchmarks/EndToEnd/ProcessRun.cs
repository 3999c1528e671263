using IlgpuSiamese.Measuring;

namespace IlgpuSiamese.Benchmarks.EndToEnd;

/// <summary>One engine setting's figures over a run, with what its (last) process reported about itself.</summary>
/// <param name="Facts">The child's environment; for a run in one process, that process's.</param>
public sealed record SettingResult(EngineSetting Setting, EngineThroughput Throughput, double? LastMeanLoss, ProcessFacts Facts);

/// <summary>
/// <c>e2e --processes</c>: every sample of every setting in a child process of its own. Repetition r runs each
/// setting once, one child after another, starting at setting r (as <see cref="ThroughputRun"/> rotates its
/// engines), so drift in the machine's speed falls on all alike; the samples of a setting are then pooled.
/// </summary>
public static class ProcessRun
{
    /// <param name="runChild">Runs one child for a setting and returns its report (<see cref="ChildProcess.RunEngine"/>).</param>
    public static IReadOnlyList<SettingResult> Measure(IReadOnlyList<EngineSetting> settings, int repetitions,
        Func<EngineSetting, EngineReport> runChild, IProgress<string>? log = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var reports = settings.Select(_ => new List<EngineReport>()).ToArray();
        for (var r = 0; r < repetitions; r++)
        {
            for (var k = 0; k < settings.Count; k++)
            {
                var e = (k + r) % settings.Count;
                var report = runChild(settings[e]);
                reports[e].Add(report);
                var t = report.Result;
                log?.Report($"{t.Tower} on {t.Engine}, repetition {r + 1}/{repetitions} (process {report.Facts.ProcessId}): " +
                            (t.Training.Measured ? $"training {t.Training.Median:N0} pairs/s, " : "") + $"inference {t.Inference.Median:N0} pairs/s");
            }
        }
        return settings.Select((s, e) => Combine(s, reports[e])).ToList();
    }

    /// <summary>The samples of every report of one setting pooled into one figure each for training and inference.</summary>
    public static SettingResult Combine(EngineSetting setting, IReadOnlyList<EngineReport> reports)
    {
        if (reports.Count == 0)
            throw new ArgumentException("no reports to combine", nameof(reports));
        Throughput Pool(Func<EngineThroughput, Throughput> work)
        {
            var measured = reports.Select(r => work(r.Result)).Where(t => t.Measured).ToList();
            if (measured.Count == 0)
                return Throughput.NotApplicable;
            var perSample = (int)Math.Round(BenchmarkStatistics.Median(measured.Select(t => (double)t.PerSample).ToList()));
            return Throughput.Of(measured.SelectMany(t => t.Samples).ToList(), perSample);
        }
        var last = reports[^1];
        return new SettingResult(setting, last.Result with { Training = Pool(t => t.Training), Inference = Pool(t => t.Inference) },
            last.LastMeanLoss, last.Facts);
    }
}

/// <summary>The fastest setting of a peer, for training and for inference apart: the peer the ratios are taken against.</summary>
public sealed record PeerChoice(SettingResult? Training, SettingResult? Inference)
{
    /// <summary>The highest median of each kind of work among the settings that did it; the first listed on a tie.</summary>
    public static PeerChoice Best(IReadOnlyList<SettingResult> settings) => new(
        settings.Where(s => s.Throughput.Training.Measured).MaxBy(s => s.Throughput.Training.Median),
        settings.Where(s => s.Throughput.Inference.Measured).MaxBy(s => s.Throughput.Inference.Median));
}

/// <summary>
/// One of our settings against the peers at their best: training and inference over the fastest TorchSharp setting for
/// each, inference over the fastest ONNX Runtime setting. Above 1, ours is faster; null where a side did not do the work.
/// </summary>
public sealed record PeerRatios(string Engine, string? TrainingPeer, double? Training, string? InferencePeer, double? Inference,
    string? OnnxPeer, double? InferenceVsOnnx)
{
    public static PeerRatios Of(SettingResult ours, PeerChoice torch, PeerChoice onnx) => new(
        ours.Throughput.Engine,
        torch.Training?.Throughput.Engine, Ratio(ours.Throughput.Training, torch.Training?.Throughput.Training),
        torch.Inference?.Throughput.Engine, Ratio(ours.Throughput.Inference, torch.Inference?.Throughput.Inference),
        onnx.Inference?.Throughput.Engine, Ratio(ours.Throughput.Inference, onnx.Inference?.Throughput.Inference));

    private static double? Ratio(Throughput ours, Throughput? peer) =>
        peer is { Measured: true } && ours.Measured ? BenchmarkStatistics.Ratio(ours.Median, peer.Median) : null;
}
