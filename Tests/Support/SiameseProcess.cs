using System.Diagnostics;
using System.Text;

namespace IlgpuSiamese.Tests.Support;

/// <summary>
/// <c>siamese</c> in a process of its own (the build beside the tests), for what cannot happen inside the test
/// process: signals, kill -9, another user's permissions, two runs at once.
/// </summary>
public sealed class SiameseProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new(), error = new();

    private SiameseProcess(Process process) => this.process = process;

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    /// <summary>What it has printed to stdout so far, whole lines.</summary>
    public string Output
    {
        get
        {
            lock (output)
                return output.ToString();
        }
    }

    /// <param name="asUser">Run as this uid and gid (via setpriv) instead of the test's user.</param>
    /// <param name="environment">Variables to set in its environment.</param>
    public static SiameseProcess Start(string[] args, int? asUser = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "siamese.dll");
        var start = asUser is { } uid
            ? new ProcessStartInfo("setpriv", [$"--reuid={uid}", $"--regid={uid}", "--clear-groups", "dotnet", cli, .. args])
            : new ProcessStartInfo("dotnet", [cli, .. args]);
        start.RedirectStandardOutput = start.RedirectStandardError = true;
        start.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        // setpriv keeps its pid when it execs dotnet, so Id is siamese's own.
        var process = Process.Start(start)!;
        var running = new SiameseProcess(process);
        process.OutputDataReceived += (_, e) => { lock (running.output) running.output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (running.error) running.error.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    public static CliRunner.Result Run(string[] args, int? asUser = null, IReadOnlyDictionary<string, string>? environment = null, int timeoutSeconds = 120)
    {
        using var running = Start(args, asUser, environment);
        return running.WaitForExit(timeoutSeconds);
    }

    /// <summary>Waits until the process has printed <paramref name="text"/> to stdout; false if it exited or the time ran out first.</summary>
    public bool WaitForOutput(string text, int timeoutSeconds = 60)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < timeoutSeconds)
        {
            lock (output)
                if (output.ToString().Contains(text))
                    return true;
            if (process.HasExited)
                return false;
            Thread.Sleep(20);
        }
        return false;
    }

    public CliRunner.Result WaitForExit(int timeoutSeconds = 120)
    {
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"siamese did not exit within {timeoutSeconds} s\n{output}\n{error}");
        }
        process.WaitForExit();
        var result = new CliRunner.Result(process.ExitCode, output.ToString(), error.ToString());
        TestContext.Out.WriteLine($"siamese (process {process.Id}) exited with {result.Code}\n{result.Out}{result.Error}");
        return result;
    }

    public void Dispose()
    {
        if (!process.HasExited)
            process.Kill(entireProcessTree: true);
        process.Dispose();
    }
}
