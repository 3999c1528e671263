using System.Diagnostics;
using IlgpuSiamese.Network;

namespace IlgpuSiamese.Measuring;

/// <summary>How a throughput run is paced.</summary>
/// <param name="Repetitions">Timed samples per engine and per kind of work; the median is reported.</param>
/// <param name="WarmupSteps">Untimed training steps (and one inference batch) before anything is timed: kernels compile, caches fill.</param>
/// <param name="SecondsPerSample">Roughly how long each timed sample lasts; the step count is fitted to it per engine.</param>
public sealed record ThroughputOptions(int Repetitions = 5, int WarmupSteps = 3, double SecondsPerSample = 1.0)
{
    public void Validate()
    {
        if (Repetitions < 1)
            throw new UserInputException("--repetitions must be at least 1.");
        if (WarmupSteps < 0)
            throw new UserInputException("--warmup must not be negative.");
        if (!(SecondsPerSample > 0) || !double.IsFinite(SecondsPerSample))
            throw new UserInputException("--seconds must be a positive number.");
    }
}

/// <summary>One engine's rates: training and inference pairs per second.</summary>
public sealed record EngineThroughput(string Engine, string Description, string Tower, int TrainBatch, int InferenceBatch,
    Throughput Training, Throughput Inference);

/// <summary>
/// Times engines side by side in one process: every engine is warmed up, the work per sample is fitted to
/// about <see cref="ThroughputOptions.SecondsPerSample"/>, then repetitions go round the engines in turn
/// (the first engine of each round rotates), so that drift in the machine's speed falls on all alike.
/// </summary>
public static class ThroughputRun
{
    public static IReadOnlyList<EngineThroughput> Measure(IReadOnlyList<IPairEngine> engines, ThroughputOptions options,
        IProgress<string>? log = null)
    {
        options.Validate();
        var plan = new (int Steps, int Batches)[engines.Count];
        for (var e = 0; e < engines.Count; e++)
        {
            var engine = engines[e];
            log?.Report($"{engine.Tower} on {engine.Id}: warming up");
            if (engine.Trains)
                engine.Train(Math.Max(1, options.WarmupSteps));
            engine.Infer(1);
            var steps = engine.Trains ? BenchmarkStatistics.UnitsFor(options.SecondsPerSample, Time(() => engine.Train(1))) : 0;
            var batch = Time(() => engine.Infer(1));
            plan[e] = (steps, BenchmarkStatistics.UnitsFor(options.SecondsPerSample, batch));
        }
        var training = engines.Select(_ => new List<double>()).ToArray();
        var inference = engines.Select(_ => new List<double>()).ToArray();
        for (var r = 0; r < options.Repetitions; r++)
        {
            for (var k = 0; k < engines.Count; k++)
            {
                var e = (k + r) % engines.Count;
                var engine = engines[e];
                var (steps, batches) = plan[e];
                if (engine.Trains)
                {
                    var trainSeconds = Time(() => engine.Train(steps));
                    training[e].Add(BenchmarkStatistics.Rate((long)steps * engine.TrainBatch, trainSeconds));
                }
                var inferSeconds = Time(() => engine.Infer(batches));
                inference[e].Add(BenchmarkStatistics.Rate((long)batches * engine.InferenceBatch, inferSeconds));
                log?.Report($"{engine.Tower} on {engine.Id}, repetition {r + 1}/{options.Repetitions}: " +
                            (engine.Trains ? $"training {training[e][^1]:N0} pairs/s, " : "") + $"inference {inference[e][^1]:N0} pairs/s");
            }
        }
        return engines.Select((engine, e) => new EngineThroughput(engine.Id, engine.Description, engine.Tower, engine.TrainBatch,
            engine.InferenceBatch, engine.Trains ? Throughput.Of(training[e], plan[e].Steps) : Throughput.NotApplicable,
            Throughput.Of(inference[e], plan[e].Batches))).ToList();
    }

    private static double Time(Action work)
    {
        var clock = Stopwatch.StartNew();
        work();
        return Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
    }
}

/// <summary>One engine against another on the same tower: medians divided, above 1 the first is faster.</summary>
public sealed record ThroughputRatio(string Tower, string Engine, string Versus, double? Training, double? Inference)
{
    public static ThroughputRatio Of(EngineThroughput engine, EngineThroughput versus) => new(
        engine.Tower, engine.Engine, versus.Engine,
        BenchmarkStatistics.Ratio(engine.Training.Median, versus.Training.Median),
        BenchmarkStatistics.Ratio(engine.Inference.Median, versus.Inference.Median));

    /// <summary>Every ordered pair (a, b) with a listed after b, within each tower: each comparison once.</summary>
    public static IReadOnlyList<ThroughputRatio> AllPairs(IReadOnlyList<EngineThroughput> results) =>
        results.GroupBy(r => r.Tower)
            .SelectMany(tower =>
            {
                var list = tower.ToList();
                return from i in Enumerable.Range(0, list.Count)
                    from j in Enumerable.Range(0, i)
                    select Of(list[i], list[j]);
            })
            .ToList();
}
