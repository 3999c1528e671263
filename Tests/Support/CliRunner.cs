using IlgpuSiamese.Cli.Commands;
using Spectre.Console;

namespace IlgpuSiamese.Tests.Support;

/// <summary>Runs the <c>siamese</c> root command in this process, as Program does, capturing what it writes to stdout and stderr.</summary>
public static class CliRunner
{
    public sealed record Result(int Code, string Out, string Error);

    public static Result Run(params string[] args)
    {
        var (oldOut, oldError, oldAnsi) = (Console.Out, Console.Error, AnsiConsole.Console);
        var (output, error) = (new StringWriter(), new StringWriter());
        Console.SetOut(output);
        Console.SetError(error);
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No });
        try
        {
            var code = CommandList.Run(args);
            return new Result(code, output.ToString(), error.ToString());
        }
        finally
        {
            AnsiConsole.Console = oldAnsi;
            Console.SetOut(oldOut);
            Console.SetError(oldError);
            TestContext.Out.WriteLine($"siamese {string.Join(' ', args)}\n{output}{error}");
        }
    }
}
