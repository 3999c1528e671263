using System.CommandLine;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Cli.Commands;

var root = new RootCommand("IlgpuSiamese: siamese networks on hand-written ILGPU kernels (CUDA, OpenCL, CPU).");
foreach (var command in CommandList.All())
    root.Subcommands.Add(command);
return ExitCodes.Run(() => root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
