using System.CommandLine;
using System.CommandLine.Invocation;
using IlgpuSiamese.Cli.Serve;

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
        // A parse error (unknown command or option, bad or missing value) is printed alone, without the help
        // that would bury it; System.CommandLine returns 1 for it, and it is a usage error: 2.
        if (parse.Action is ParseErrorAction error)
            error.ShowHelp = false;
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
        InspectCommand.Create(),
        EmbedCommand.Create(),
        SearchCommand.Create(),
        ServeCommand.Create(),
        ExportCommand.Create(),
        DevicesCommand.Create(),
        BenchCommand.Create(),
        SelftestCommand.Create(),
    ];
}
