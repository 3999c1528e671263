using System.Diagnostics;
using System.Text.Json;

namespace IlgpuSiamese.Benchmarks.EndToEnd;

/// <summary>A child process that failed: its exit code and the end of what it wrote to stderr.</summary>
public sealed class ChildProcessException(string message) : Exception(message);

/// <summary>
/// This benchmark program started again as a child process (<c>dotnet IlgpuSiamese.Benchmarks.dll ...</c>), with
/// variables added to its environment; it waits for the child and returns its stdout. One child at a time: the
/// parent only waits, so nothing else of ours runs beside the child.
/// </summary>
/// <param name="Host">The dotnet executable.</param>
/// <param name="Program">The Benchmarks assembly.</param>
public sealed record ChildProcess(string Host, string Program)
{
    /// <summary>The Benchmarks assembly this code is in, run by the dotnet host that runs this process (or the one on the PATH).</summary>
    public static ChildProcess ThisProgram()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } set ? set
            : Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
            : "dotnet";
        return new ChildProcess(host, typeof(ChildProcess).Assembly.Location);
    }

    public string Run(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(Host, [Program, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start) ?? throw new ChildProcessException($"could not start {Host} {Program}");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var lines = error.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            throw new ChildProcessException($"the child `{string.Join(' ', args)}` exited with code {process.ExitCode}:\n  " +
                                            string.Join("\n  ", lines.TakeLast(12)));
        }
        return output;
    }

    /// <summary>Runs one engine setting's sample in a child and reads its report back; a child that ran with another wait policy is an error.</summary>
    public EngineReport RunEngine(EngineSetting setting, string tower, EndToEndOptions options)
    {
        var args = EngineChildCommand.Arguments(setting, tower, options);
        var report = ReadReport(Run(args, setting.Environment), args);
        if (setting.WaitPolicy is { } policy && !string.Equals(report.Facts.OmpWaitPolicy, policy, StringComparison.OrdinalIgnoreCase))
            throw new ChildProcessException($"the child `{string.Join(' ', args)}` ran with OMP_WAIT_POLICY={report.Facts.OmpWaitPolicy}, not {policy}");
        return report;
    }

    /// <summary>The report in a child's stdout: the last line that starts with the marker (native libraries may print too).</summary>
    public static EngineReport ReadReport(string output, IReadOnlyList<string> args)
    {
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith(EngineChildCommand.Marker, StringComparison.Ordinal))
                   ?? throw new ChildProcessException($"the child `{string.Join(' ', args)}` printed no report");
        return JsonSerializer.Deserialize<EngineReport>(line[EngineChildCommand.Marker.Length..], EngineChildCommand.Json)
               ?? throw new ChildProcessException($"the child `{string.Join(' ', args)}` printed an empty report");
    }

    /// <summary>The measured and nominal peaks of one device, from <c>peak --json</c> in a child.</summary>
    public PeakCommand.DevicePeaks RunPeak(string device, int threads)
    {
        var output = Run(["peak", "--device", device, "--json"],
            new Dictionary<string, string> { ["POCL_MAX_PTHREAD_COUNT"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var json = output.Split('\n').LastOrDefault(l => l.StartsWith('[')) ?? throw new ChildProcessException($"`peak --device {device}` printed no JSON");
        return JsonSerializer.Deserialize<List<PeakCommand.DevicePeaks>>(json, EngineChildCommand.Json)?.Single()
               ?? throw new ChildProcessException($"`peak --device {device}` printed an empty list");
    }
}
