using IlgpuSiamese.Benchmarks;
using IlgpuSiamese.Benchmarks.EndToEnd;

// First, before any native library allocates: glibc's malloc thresholds (in every process, e2e's children included).
MallocThresholds.Apply();

// dotnet run -c Release --project Benchmarks -- kernels [--device D] [--out-of-process] [BenchmarkDotNet args]
// dotnet run -c Release --project Benchmarks -- e2e [--device D] [--tower T] [--json] [--repetitions N] ...
// dotnet run -c Release --project Benchmarks -- peak [--device D] [--json]
return args.FirstOrDefault() switch
{
    "kernels" => KernelsCommand.Run(args[1..]),
    "e2e" => EndToEndCommand.Run(args[1..]),
    "peak" => PeakCommand.Run(args[1..]),
    EngineChildCommand.Name => EngineChildCommand.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine($"""
        usage:
          Benchmarks kernels [--device all|cpu,opencl,...] [--out-of-process] [BenchmarkDotNet arguments]
              every kernel, forward and backward, at the training shapes, on every accelerator, against its
              float64 reference; plus a whole training step and an inference batch. Examples:
                kernels --filter '*' --job short            everything, quickly
                kernels --filter '*Conv2d*' --job short     one operation
                kernels --list flat                         what there is
        {Indent(EndToEndOptions.Usage)}
        {Indent(PeakCommand.Usage)}
        """);
    return 2;
}

static string Indent(string usage) => "  " + usage.ReplaceLineEndings("\n  ");
