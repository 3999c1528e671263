using System.CommandLine;

namespace IlgpuSiamese.Cli.Commands;

/// <summary>Every subcommand of <c>siamese</c>, in the order <c>--help</c> lists them, and the root command that runs them.</summary>
public static class CommandList
{
    /// <summary>Runs <c>siamese</c> with these arguments; returns the exit code (<see cref="ExitCodes"/>).</summary>
    public static int Run(string[] args)
    {
        var root = new RootCommand("IlgpuSiamese: siamese networks on hand-written ILGPU kernels (CUDA, OpenCL, CPU).");
        foreach (var command in All())
            root.Subcommands.Add(command);
        var parse = root.Parse(args);
        // System.CommandLine prints a parse error (unknown command or option, bad or missing value) and returns 1: that is a usage error.
        var code = ExitCodes.Run(() => parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
        return parse.Errors.Count > 0 ? ExitCodes.Usage : code;
    }

    public static IEnumerable<Command> All() =>
    [
        DataCommand.Create(),
        PairsCommand.Create(),
        TrainCommand.Create(),
        EvaluateCommand.Create(),
        CompareCommand.Create(),
        EmbedCommand.Create(),
        DevicesCommand.Create(),
        BenchCommand.Create(),
    ];
}
