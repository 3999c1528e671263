using System.Globalization;
using IlgpuSiamese.Measuring;
using IlgpuSiamese.Network;

namespace IlgpuSiamese.Benchmarks.EndToEnd;

/// <summary>The options of <c>e2e</c>.</summary>
public sealed record EndToEndOptions
{
    public const string WaitPolicyActive = "ACTIVE";
    public const string WaitPolicyPassive = "PASSIVE";

    public string Device { get; init; } = BenchmarkDevices.All;
    public string Tower { get; init; } = "both";
    public bool Json { get; init; }
    public int Repetitions { get; init; } = 5;
    public double Seconds { get; init; } = 1.0;
    public int Warmup { get; init; } = 3;
    public int Threads { get; init; } = 2;
    public string? DataDir { get; init; }
    public int Seed { get; init; } = 42;

    /// <summary>Every engine in this one process (the old way), instead of each sample in a child process of its own.</summary>
    public bool InProcess { get; init; }

    /// <summary>libgomp's OMP_WAIT_POLICY values TorchSharp is measured with; null: ACTIVE and PASSIVE (in process: PASSIVE).</summary>
    public IReadOnlyList<string>? TorchWaitPolicies { get; init; }

    /// <summary>libtorch's intra-op thread counts TorchSharp is measured with; null: 1 and <see cref="Threads"/>.</summary>
    public IReadOnlyList<int>? TorchThreads { get; init; }

    /// <summary>How TorchSharp runs the twin towers: false two calls of N images, true one call of 2N; null: both.</summary>
    public IReadOnlyList<bool>? TorchOneCall { get; init; }

    /// <summary>ONNX Runtime's intra-op thread counts; null: <see cref="Threads"/>.</summary>
    public IReadOnlyList<int>? OnnxThreads { get; init; }

    public bool Help { get; init; }

    public IReadOnlyList<string> WaitPolicies => TorchWaitPolicies ?? (InProcess ? [WaitPolicyPassive] : [WaitPolicyActive, WaitPolicyPassive]);

    public IReadOnlyList<int> TorchThreadCounts => TorchThreads ?? new[] { 1, Threads }.Distinct().ToList();

    public IReadOnlyList<bool> TorchCalls => TorchOneCall ?? [false, true];

    public IReadOnlyList<int> OnnxThreadCounts => OnnxThreads ?? [Threads];

    public static EndToEndOptions Parse(IReadOnlyList<string> args)
    {
        var options = new EndToEndOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new UserInputException($"{args[i]} needs a value.");
            int Int() => int.TryParse(Value(), CultureInfo.InvariantCulture, out var v) ? v : throw new UserInputException($"{args[i - 1]} takes an integer.");
            IReadOnlyList<T> List<T>(Func<string, T?> parse, string what) where T : struct
            {
                var option = args[i];
                var values = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(item => parse(item) ?? throw new UserInputException($"{option} takes {what}; '{item}' is not one."))
                    .Distinct().ToList();
                return values.Count > 0 ? values : throw new UserInputException($"{option} takes {what}.");
            }
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
                "--processes" => options with { InProcess = false },
                "--in-process" => options with { InProcess = true },
                "--torch-wait-policies" => options with
                {
                    TorchWaitPolicies = List(WaitPolicy, "active and/or passive").Select(active => active ? WaitPolicyActive : WaitPolicyPassive).ToList(),
                },
                "--torch-threads" => options with { TorchThreads = List(ThreadCount, "thread counts of at least 1") },
                "--torch-calls" => options with
                {
                    TorchOneCall = List(c => c switch { "one" => true, "two" => false, _ => (bool?)null }, "one and/or two"),
                },
                "--onnx-threads" => options with { OnnxThreads = List(ThreadCount, "thread counts of at least 1") },
                "--help" or "-h" => options with { Help = true },
                _ => throw new UserInputException($"unknown option {args[i]} (see: Benchmarks e2e --help)."),
            };
        }
        if (options.Threads < 1)
            throw new UserInputException("--threads must be at least 1.");
        if (options.InProcess && options.WaitPolicies.Count > 1)
            throw new UserInputException("--in-process: libgomp reads OMP_WAIT_POLICY once per process; give one --torch-wait-policies value.");
        return options;
    }

    private static int? ThreadCount(string value) => int.TryParse(value, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : null;

    /// <summary>True for ACTIVE, false for PASSIVE, in any case; null for anything else.</summary>
    private static bool? WaitPolicy(string value) => value.ToUpperInvariant() switch
    {
        WaitPolicyActive => true,
        WaitPolicyPassive => false,
        _ => null,
    };

    public const string Usage = """
        Benchmarks e2e [--device all|none|cpu,opencl,...] [--tower flat|keras|both] [--json] [--repetitions 5]
                       [--seconds 1] [--warmup 3] [--threads 2] [--data-dir DIR] [--seed 42]
                       [--processes | --in-process]
                       [--torch-wait-policies active,passive] [--torch-threads 1,2] [--torch-calls two,one] [--onnx-threads 2]
            training and inference pairs/s of this engine on each device, of TorchSharp-cpu and of ONNX Runtime's
            inference of the exported graph (it does not train), side by side, with the ratios ours / peer
            (--device none: the peers alone).
            --processes (the default, the fair setup): every sample of every engine runs in a child process of its own,
              one at a time, the engines taking turns (A, B, C, A, B, C, ...); no engine's threads (libgomp's spin
              after libtorch's work, ONNX Runtime's pool, PoCL's) can take the cores of the next, and each child sets
              its own environment before any native library loads.
            --in-process: every engine in this one process, timed in turns (the old way; faster, but the engines'
              threads disturb each other, and OMP_WAIT_POLICY is one value for all: PASSIVE unless set).
            TorchSharp is measured in every combination of --torch-wait-policies (libgomp's OMP_WAIT_POLICY),
            --torch-threads (libtorch's intra-op threads, default 1 and --threads) and --torch-calls (the twin towers
            as two calls of N images, or one call of 2N); each is listed, and the fastest is the peer of the ratios
            (for training and for inference apart). ONNX Runtime likewise for --onnx-threads (default --threads).
            Narrow the lists for a shorter run: the default sweep is 8 TorchSharp settings.
            Run time, --processes: settings (our devices, TorchSharp's, ONNX Runtime's) x towers x repetitions x (2 x --seconds
        + 3-6 s to start a child, load the data and warm up): about 10 minutes with the defaults on 2 cores.
            glibc's malloc thresholds are raised in every process (mallopt; recorded in the JSON).
        """;
}
