using System.CommandLine;

namespace IlgpuSiamese.Cli.Commands;

/// <summary>Every subcommand of <c>siamese</c>, in the order <c>--help</c> lists them.</summary>
public static class CommandList
{
    public static IEnumerable<Command> All() =>
    [
        DataCommand.Create(),
        PairsCommand.Create(),
        TrainCommand.Create(),
        EvaluateCommand.Create(),
        DevicesCommand.Create(),
        BenchCommand.Create(),
    ];
}
