using IlgpuSiamese.Benchmarks;
using IlgpuSiamese.Benchmarks.EndToEnd;

// dotnet run -c Release --project Benchmarks -- kernels [--device D] [--out-of-process] [BenchmarkDotNet args]
// dotnet run -c Release --project Benchmarks -- e2e [--device D] [--tower T] [--json] [--repetitions N] ...
return args.FirstOrDefault() switch
{
    "kernels" => KernelsCommand.Run(args[1..]),
    "e2e" => EndToEndCommand.Run(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage:
          Benchmarks kernels [--device all|cpu,opencl,...] [--out-of-process] [BenchmarkDotNet arguments]
              every kernel, forward and backward, at the training shapes, on every accelerator, against its
              float64 reference; plus a whole training step and an inference batch. Examples:
                kernels --filter '*' --job short            everything, quickly
                kernels --filter '*Conv2d*' --job short     one operation
                kernels --list flat                         what there is
          Benchmarks e2e [--device all|none|cpu,opencl,...] [--tower flat|keras|both] [--json] [--repetitions 5]
                         [--seconds 1] [--warmup 3] [--threads 2] [--data-dir DIR] [--seed 42]
              training and inference pairs/s of this engine and of TorchSharp-cpu, side by side, with ratios,
              and ONNX Runtime's inference of the exported graph (it does not train)
              (--device none: the peers alone). Sets OMP_WAIT_POLICY=PASSIVE unless set (see docs/performance.md).
        """);
    return 2;
}
