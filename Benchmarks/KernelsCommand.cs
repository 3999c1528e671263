using BenchmarkDotNet.Running;
using IlgpuSiamese.Benchmarks.Kernels;

namespace IlgpuSiamese.Benchmarks;

/// <summary>
/// <c>kernels</c>: BenchmarkDotNet over every kernel class and the whole-engine benchmarks. Two options of
/// our own are taken off the arguments before BenchmarkDotNet parses the rest: <c>--device</c> (default:
/// every usable accelerator) and <c>--out-of-process</c>. By default the benchmarks run in process:
/// out of process, BenchmarkDotNet builds a copy of this project, with libtorch's half a gigabyte of
/// native libraries, for every run.
/// </summary>
public static class KernelsCommand
{
    public static readonly Type[] Benchmarks =
    [
        typeof(OpBenchmarks), typeof(AdamBenchmarks), typeof(FillBenchmarks), typeof(GatherImagesBenchmarks), typeof(EngineBenchmarks),
    ];

    public static int Run(string[] args)
    {
        var rest = new List<string>();
        var outOfProcess = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--device" when i + 1 < args.Length:
                    Environment.SetEnvironmentVariable(BenchmarkDeviceList.EnvironmentVariable, args[++i]);
                    break;
                case "--out-of-process":
                    outOfProcess = true;
                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }
        if (!outOfProcess && !rest.Any(a => a is "-i" or "--inProcess"))
            rest.Add("--inProcess");
        var summaries = BenchmarkSwitcher.FromTypes(Benchmarks).Run([.. rest]);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
