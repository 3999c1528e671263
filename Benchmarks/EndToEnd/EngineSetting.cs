using System.Globalization;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Measuring;
using IlgpuSiamese.Network;

namespace IlgpuSiamese.Benchmarks.EndToEnd;

public enum EngineKind
{
    Ilgpu,
    TorchSharp,
    OnnxRuntime,
}

/// <summary>
/// One engine in one setting, as e2e measures it: this engine on a device, TorchSharp with a wait policy, a thread count
/// and a way of calling its towers, or ONNX Runtime with a thread count. A child process is told it as arguments
/// (<see cref="ToArguments"/>, <see cref="Parse"/>) and gets <see cref="Environment"/> before any native library loads.
/// </summary>
/// <param name="Device">The accelerator, for <see cref="EngineKind.Ilgpu"/> only.</param>
/// <param name="WaitPolicy">libgomp's OMP_WAIT_POLICY, for <see cref="EngineKind.TorchSharp"/> only.</param>
public sealed record EngineSetting(EngineKind Kind, int Threads, string? Device = null, string? WaitPolicy = null, bool TwinsInOneCall = false)
{
    /// <summary>The engine's own name for this setting (its EngineThroughput's Engine): unique within a sweep.</summary>
    public string Id => Kind switch
    {
        EngineKind.Ilgpu => IlgpuPairEngineId(Device!),
        EngineKind.TorchSharp => TorchPairEngine.IdOf(WaitPolicy, Threads, TwinsInOneCall),
        _ => OnnxPairEngine.IdOf(Threads),
    };

    public static string IlgpuPairEngineId(string device) => $"ilgpu {device}";

    /// <summary>
    /// What a child sets in its environment: libgomp reads OMP_WAIT_POLICY and PoCL POCL_MAX_PTHREAD_COUNT once,
    /// as they load, so these must be in place when the process starts.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment => Kind switch
    {
        EngineKind.TorchSharp when WaitPolicy is not null => new Dictionary<string, string> { ["OMP_WAIT_POLICY"] = WaitPolicy },
        EngineKind.Ilgpu => new Dictionary<string, string> { ["POCL_MAX_PTHREAD_COUNT"] = Threads.ToString(CultureInfo.InvariantCulture) },
        _ => new Dictionary<string, string>(),
    };

    public IReadOnlyList<string> ToArguments()
    {
        var args = new List<string> { "--engine", Kind.ToString().ToLowerInvariant(), "--threads", Threads.ToString(CultureInfo.InvariantCulture) };
        if (Device is not null)
            args.AddRange(["--device", Device]);
        if (WaitPolicy is not null)
            args.AddRange(["--wait-policy", WaitPolicy]);
        if (TwinsInOneCall)
            args.Add("--twins-in-one-call");
        return args;
    }

    /// <summary>The setting in <paramref name="args"/> (as <see cref="ToArguments"/> writes it), and the arguments left over.</summary>
    public static (EngineSetting Setting, IReadOnlyList<string> Others) Parse(IReadOnlyList<string> args)
    {
        EngineKind? kind = null;
        var (threads, device, waitPolicy, oneCall) = (0, (string?)null, (string?)null, false);
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new UserInputException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--engine":
                    kind = Enum.TryParse<EngineKind>(Value(), ignoreCase: true, out var k) ? k : throw new UserInputException($"unknown engine {args[i]}.");
                    break;
                case "--threads":
                    threads = int.TryParse(Value(), CultureInfo.InvariantCulture, out var t) && t >= 1 ? t : throw new UserInputException("--threads takes an integer of at least 1.");
                    break;
                case "--device":
                    device = Value();
                    break;
                case "--wait-policy":
                    waitPolicy = Value();
                    break;
                case "--twins-in-one-call":
                    oneCall = true;
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }
        if (kind is null || threads == 0)
            throw new UserInputException("an engine setting needs --engine and --threads.");
        if (kind == EngineKind.Ilgpu && device is null)
            throw new UserInputException("--engine ilgpu needs --device.");
        return (new EngineSetting(kind.Value, threads, device, waitPolicy, oneCall), rest);
    }

    /// <summary>
    /// Every setting of a run, in the order they take turns: this engine on each device, then TorchSharp in every
    /// combination of wait policy, threads and calls, then ONNX Runtime at each thread count.
    /// </summary>
    public static IReadOnlyList<EngineSetting> Sweep(EndToEndOptions o, IReadOnlyList<string> devices) =>
        devices.Select(d => new EngineSetting(EngineKind.Ilgpu, o.Threads, Device: d))
            .Concat(from policy in o.WaitPolicies
                from threads in o.TorchThreadCounts
                from oneCall in o.TorchCalls
                select new EngineSetting(EngineKind.TorchSharp, threads, WaitPolicy: policy, TwinsInOneCall: oneCall))
            .Concat(o.OnnxThreadCounts.Select(threads => new EngineSetting(EngineKind.OnnxRuntime, threads)))
            .ToList();

    /// <summary>The engine itself, in this process (for a TorchSharp setting, libtorch must be loadable and its policy in force).</summary>
    public IPairEngine Create(string tower, BenchmarkData data, int seed, Func<string, ComputeDevice> openDevice) => Kind switch
    {
        EngineKind.Ilgpu => new IlgpuPairEngine(openDevice(Device!), tower, data, seed: seed, ownsDevice: true),
        EngineKind.TorchSharp => new TorchPairEngine(tower, data, Threads, TwinsInOneCall, seed: seed),
        _ => new OnnxPairEngine(tower, data, Threads, seed: seed),
    };
}
