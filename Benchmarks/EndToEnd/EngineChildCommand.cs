using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Measuring;
using IlgpuSiamese.Network;

namespace IlgpuSiamese.Benchmarks.EndToEnd;

/// <summary>What a child process measured, and the settings that were really in force in it.</summary>
/// <param name="LastMeanLoss">The mean loss of the last training step, a check that the steps did real work; null if none.</param>
public sealed record EngineReport(EngineThroughput Result, double? LastMeanLoss, ProcessFacts Facts);

/// <summary>The environment of a child as it ran: what libgomp, PoCL and glibc's malloc were told.</summary>
/// <param name="TorchThreads">libtorch's intra-op thread count as libtorch reports it; null for other engines.</param>
public sealed record ProcessFacts(int ProcessId, string? OmpWaitPolicy, string? PoclMaxPthreadCount, MallocSetting Malloc, int? TorchThreads,
    bool TieredCompilation = true)
{
    /// <summary>
    /// Whether .NET's tiered JIT is on in this process. Benchmarks turns it off (Benchmarks.csproj): with it on, each child's first
    /// second ran our training step on tier-0 code, 1,490 against 2,000-2,300 pairs/s after, and a child times only that second.
    /// </summary>
    public static bool TieredCompilationOn => AppContext.GetData("System.Runtime.TieredCompilation") as string != "false";
}

/// <summary>
/// <c>e2e-engine</c>, internal: the child process of <c>e2e --processes</c>. It runs one engine setting
/// (<see cref="EngineSetting"/>) on one tower: warm-up, sizing and <c>--samples</c> timed samples of training and
/// inference (<see cref="ThroughputRun"/>), then prints one line, <see cref="Marker"/> followed by the
/// <see cref="EngineReport"/> as JSON, to stdout; progress goes to stderr.
/// </summary>
public static class EngineChildCommand
{
    public const string Name = "e2e-engine";
    public const string Marker = "e2e-engine-report: ";

    /// <summary>NaN stands for work not done (training of an inference-only peer); JSON has no NaN of its own.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The arguments that make a child run <paramref name="setting"/> on <paramref name="tower"/> for one sample each of training and inference.</summary>
    public static IReadOnlyList<string> Arguments(EngineSetting setting, string tower, EndToEndOptions o) =>
    [
        Name, .. setting.ToArguments(), "--tower", tower, "--samples", "1",
        "--warmup", o.Warmup.ToString(CultureInfo.InvariantCulture), "--seconds", o.Seconds.ToString("R", CultureInfo.InvariantCulture),
        "--seed", o.Seed.ToString(CultureInfo.InvariantCulture), .. o.DataDir is null ? Array.Empty<string>() : ["--data-dir", o.DataDir],
    ];

    public const string Usage = """
        Benchmarks e2e-engine --engine ilgpu|torchsharp|onnxruntime --threads N [--device D] [--wait-policy ACTIVE|PASSIVE]
                              [--twins-in-one-call] [--tower flat|keras] [--samples 1] [--warmup 3] [--seconds 1]
                              [--data-dir DIR] [--seed 42]
            internal: what `e2e` starts for each sample of each engine setting; prints one line, "e2e-engine-report: "
            and the figures as JSON. Run it by hand to see one setting alone (--wait-policy goes into OMP_WAIT_POLICY
            before libtorch loads, unless that is set already).
        """;

    public static int Run(string[] args)
    {
        if (args is ["--help"] or ["-h"])
        {
            Console.WriteLine(Usage);
            return 0;
        }
        try
        {
            var (setting, rest) = EngineSetting.Parse(args);
            var (tower, samples, warmup, seconds, dataDir, seed) = ("flat", 1, 3, 1.0, (string?)null, 42);
            for (var i = 0; i < rest.Count; i++)
            {
                string Value() => i + 1 < rest.Count ? rest[++i] : throw new UserInputException($"{rest[i]} needs a value.");
                int Int() => int.Parse(Value(), CultureInfo.InvariantCulture);
                switch (rest[i])
                {
                    case "--tower": tower = Value(); break;
                    case "--samples": samples = Int(); break;
                    case "--warmup": warmup = Int(); break;
                    case "--seconds": seconds = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                    case "--data-dir": dataDir = Value(); break;
                    case "--seed": seed = Int(); break;
                    default: throw new UserInputException($"{Name}: unknown option {rest[i]}.");
                }
            }
            var report = Measure(setting, tower, new ThroughputOptions(samples, warmup, seconds), dataDir, seed);
            Console.WriteLine(Marker + JsonSerializer.Serialize(report, Json));
            return 0;
        }
        catch (Exception e) when (e is UserInputException or DeviceRequestException or FormatException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    private static EngineReport Measure(EngineSetting setting, string tower, ThroughputOptions throughput, string? dataDir, int seed)
    {
        throughput.Validate();
        var log = new Progress(message => Console.Error.WriteLine(message));
        // Already in the environment the parent gave this process; set here too for a child started by hand.
        foreach (var (name, value) in setting.Environment)
            NativeEnvironment.SetDefault(name, value);
        int? torchThreads = null;
        if (setting.Kind == EngineKind.TorchSharp)
        {
            foreach (var line in TorchSharpNative.EnsureLoadable())
                log.Report($"TorchSharp native bridge: {line}");
            TrySetInteropThreads(setting.Threads);
        }
        var data = BenchmarkData.Load(dataDir, seed, log);
        using var engine = setting.Create(tower, data, seed, ComputeDevice.Open);
        var result = ThroughputRun.Measure([engine], throughput, log)[0];
        if (setting.Kind == EngineKind.TorchSharp)
            torchThreads = torch.get_num_threads();
        var facts = new ProcessFacts(Environment.ProcessId, Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"),
            Environment.GetEnvironmentVariable("POCL_MAX_PTHREAD_COUNT"), MallocThresholds.Applied, torchThreads, ProcessFacts.TieredCompilationOn);
        return new EngineReport(result, LastMeanLoss(engine), facts);
    }

    /// <summary>The mean loss of the engine's last training step, where it keeps one.</summary>
    public static double? LastMeanLoss(IPairEngine engine) => engine switch
    {
        IlgpuPairEngine i when double.IsFinite(i.LastMeanLoss) => i.LastMeanLoss,
        TorchPairEngine t when double.IsFinite(t.LastMeanLoss) => t.LastMeanLoss,
        _ => null,
    };

    /// <summary>libtorch's inter-op pool: allowed only before its first parallel work; the intra-op count is what matters here.</summary>
    public static void TrySetInteropThreads(int threads)
    {
        try
        {
            torch.set_num_interop_threads(threads);
        }
        catch (Exception e) when (e is ExternalException or InvalidOperationException)
        {
            // Already started: keep libtorch's count.
        }
    }

    private sealed class Progress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
