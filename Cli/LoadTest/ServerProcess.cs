using System.Diagnostics;
using System.Runtime.InteropServices;
using IlgpuSiamese.Network;

namespace IlgpuSiamese.Cli.LoadTest;

/// <summary>
/// <c>siamese serve --port 0</c> in a child process, from this same build: its address once it says it listens,
/// its resident memory, and a SIGTERM that must end it with exit code 0. Killed with its children on dispose, and when
/// a signal (SIGTERM, SIGHUP, Ctrl+C) ends this process first, so that no server is left behind.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private const string ListeningPrefix = "Listening on ";
    private const int KeptErrorLines = 20;

    private readonly Process process;
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> lastErrors = new();

    private readonly PosixSignalRegistration[] killOnSignals;

    private ServerProcess(Process process)
    {
        this.process = process;
        killOnSignals = [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGINT }.Select(s => PosixSignalRegistration.Create(s, _ => Kill()))];
    }

    /// <summary>The server's root, as it printed it: <c>http://HOST:PORT/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Starts <c>siamese serve --port 0</c> with <paramref name="serveArguments"/> and waits until it listens.</summary>
    /// <exception cref="UserInputException">It exited, or did not listen within <paramref name="startTimeout"/>; the message holds its last lines on stderr.</exception>
    public static ServerProcess Start(IEnumerable<string> serveArguments, TimeSpan startTimeout)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "siamese.dll");
        var start = new ProcessStartInfo(DotnetHost(), [cli, "serve", "--port", "0", .. serveArguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["NO_COLOR"] = "1";
        var server = new ServerProcess(Process.Start(start)!);
        server.process.OutputDataReceived += (_, e) => server.OnOutput(e.Data);
        server.process.ErrorDataReceived += (_, e) => server.OnError(e.Data);
        server.process.Exited += (_, _) =>
        {
            server.process.WaitForExit(); // the rest of its stderr, for the message
            server.listening.TrySetException(new UserInputException($"siamese serve exited with {server.process.ExitCode} before listening{server.ErrorTail()}"));
        };
        server.process.EnableRaisingEvents = true;
        server.process.BeginOutputReadLine();
        server.process.BeginErrorReadLine();
        try
        {
            if (!server.listening.Task.Wait(startTimeout))
                throw new UserInputException($"siamese serve did not say it listens within {startTimeout.TotalSeconds:0} s{server.ErrorTail()}");
            server.Address = server.listening.Task.Result;
            return server;
        }
        catch (AggregateException e) when (e.InnerException is UserInputException inner)
        {
            server.Dispose();
            throw inner;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>VmRSS from /proc/PID/status, in bytes.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]) * 1024;
    }

    /// <summary>Sends SIGTERM and waits for the exit; its exit code, or null if it was still running after <paramref name="timeout"/> (then it is killed).</summary>
    public int? Terminate(TimeSpan timeout)
    {
        if (kill(process.Id, Sigterm) != 0)
            throw new InvalidOperationException($"kill -TERM {process.Id} failed with errno {Marshal.GetLastPInvokeError()}");
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            return null;
        }
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>The last lines it wrote to stderr, for a message.</summary>
    public string ErrorTail()
    {
        lock (lastErrors)
            return lastErrors.Count == 0 ? "" : ":\n" + string.Join('\n', lastErrors);
    }

    public void Dispose()
    {
        foreach (var registration in killOnSignals)
            registration.Dispose();
        Kill();
        process.Dispose();
    }

    private void Kill()
    {
        if (!process.HasExited)
            process.Kill(entireProcessTree: true);
    }

    private void OnOutput(string? line)
    {
        if (line is not null && line.StartsWith(ListeningPrefix, StringComparison.Ordinal)
            && Uri.TryCreate(line[ListeningPrefix.Length..].Trim(), UriKind.Absolute, out var address))
            listening.TrySetResult(address);
    }

    private void OnError(string? line)
    {
        if (line is null)
            return;
        lock (lastErrors)
        {
            lastErrors.Enqueue(line);
            if (lastErrors.Count > KeptErrorLines)
                lastErrors.Dequeue();
        }
    }

    /// <summary>The dotnet host running this process (siamese runs as <c>dotnet siamese.dll</c>), else the one on the PATH.</summary>
    private static string DotnetHost() =>
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";

    private const int Sigterm = 15;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
