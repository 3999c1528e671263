using IlgpuSiamese.Training.Data;
using Spectre.Console;

namespace IlgpuSiamese.Cli;

/// <summary>
/// Messages and progress bars while data is fetched or read. Both go to stderr, so that stdout holds
/// only a command's result; on an interactive terminal with colour and progress bars, else as plain lines.
/// </summary>
public static class DataConsole
{
    private static readonly IAnsiConsole Stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public static T Run<T>(Func<IProgress<string>, IProgress<DataProgress>, T> work)
    {
        if (!Stderr.Profile.Capabilities.Interactive)
            return work(new Reporter<string>(Console.Error.WriteLine), new Reporter<DataProgress>(_ => { }));
        var log = new Reporter<string>(message => Stderr.MarkupLine(Format(message)));
        return Stderr.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                var progress = new Reporter<DataProgress>(p =>
                {
                    if (!tasks.TryGetValue(p.Task, out var task))
                        tasks[p.Task] = task = context.AddTask(Markup.Escape(p.Task));
                    task.IsIndeterminate = p.Total == 0;
                    if (p.Total > 0)
                    {
                        task.MaxValue = p.Total;
                        task.Value = p.Done;
                    }
                });
                return work(log, progress);
            });
    }

    private static string Format(string message) =>
        message.StartsWith("warning:", StringComparison.Ordinal) ? $"[yellow]{Markup.Escape(message)}[/]" : Markup.Escape(message);

    /// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class Reporter<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
