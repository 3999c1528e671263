using System.Runtime.InteropServices;

namespace IlgpuSiamese.Cli;

/// <summary>
/// Ctrl+C (SIGINT), SIGTERM (docker stop, a batch scheduler) and SIGHUP (a closed terminal or ssh connection) ask a
/// long command to stop at its next safe point, where it saves what it has; the command then exits with 128 + the
/// signal's number. A second signal exits at once: whatever was last written whole stays, since every file is
/// written atomically.
/// </summary>
public sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource cancel = new();
    private readonly PosixSignalRegistration[] registrations;
    private readonly string whatIsKept;
    private int firstCode;

    /// <param name="whatIsKept">Said when a second signal ends the command at once, e.g. "the last complete checkpoint is kept".</param>
    public StopSignals(string whatIsKept)
    {
        this.whatIsKept = whatIsKept;
        registrations = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP }.Select(s => PosixSignalRegistration.Create(s, OnSignal))];
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => cancel.Token;

    /// <summary>The exit code of the first signal: 130 (SIGINT), 143 (SIGTERM) or 129 (SIGHUP); 0 before any.</summary>
    public int ExitCode => firstCode;

    public static int CodeOf(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGHUP => ExitCodes.Hangup,
        PosixSignal.SIGTERM => ExitCodes.Terminated,
        _ => ExitCodes.Interrupted,
    };

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        var code = CodeOf(context.Signal);
        if (Interlocked.CompareExchange(ref firstCode, code, 0) != 0)
        {
            Console.Error.WriteLine($"error: {context.Signal} again: stopping now; {whatIsKept}.");
            Environment.Exit(code);
        }
        Console.Error.WriteLine($"{context.Signal}: stopping at the next safe point (send it again to stop at once).");
        cancel.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in registrations)
            registration.Dispose();
        cancel.Dispose();
    }
}
