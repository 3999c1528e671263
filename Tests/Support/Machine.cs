using System.Diagnostics;
using System.Runtime.InteropServices;

namespace IlgpuSiamese.Tests.Support;

/// <summary>
/// What the fault scenarios do to the machine: mount a small or read-only tmpfs, fill a disk, run as an
/// unprivileged user, send a signal. Each needs root; without it a scenario is skipped on a developer
/// machine and fails in CI (CI=true runs as root), saying what it needed.
/// </summary>
public static class Machine
{
    public const int Nobody = 65534;

    public static void RequireRoot(string toDo)
    {
        if (Environment.UserName == "root" || geteuid() == 0)
            return;
        var why = $"this scenario needs root to {toDo}";
        if (Backends.InCi)
            Assert.Fail($"{why}; CI runs as root");
        Assert.Ignore(why);
    }

    /// <summary>A tmpfs of <paramref name="kilobytes"/> mounted at <paramref name="folder"/> (created), unmounted on dispose.</summary>
    public static IDisposable Tmpfs(string folder, int kilobytes, bool readOnly = false)
    {
        RequireRoot("mount a tmpfs");
        Directory.CreateDirectory(folder);
        Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k,mode=0777{(readOnly ? ",ro" : "")}", "tmpfs", folder);
        return new Unmount(folder);
    }

    /// <summary>Fills the file system of <paramref name="folder"/> until at most <paramref name="leaveBytes"/> are free.</summary>
    public static void Fill(string folder, long leaveBytes = 0)
    {
        var free = new DriveInfo(folder).AvailableFreeSpace;
        using var filler = new FileStream(Path.Combine(folder, "filler"), FileMode.Create);
        var block = new byte[4096];
        try
        {
            for (var written = 0L; written < free - leaveBytes; written += block.Length)
                filler.Write(block);
            filler.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            // full before the estimate said so: that is the point
        }
    }

    public static void Signal(int processId, PosixSignal signal) =>
        Assert.That(kill(processId, signal switch
        {
            PosixSignal.SIGHUP => 1,
            PosixSignal.SIGINT => 2,
            PosixSignal.SIGTERM => 15,
            _ => throw new ArgumentOutOfRangeException(nameof(signal)),
        }), Is.Zero, $"kill -{signal} {processId}");

    public static void KillHard(int processId) => Assert.That(kill(processId, 9), Is.Zero, $"kill -9 {processId}");

    private static void Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"{program} {string.Join(' ', args)}: {error}");
    }

    private sealed class Unmount(string folder) : IDisposable
    {
        public void Dispose() => Run("umount", "--lazy", folder);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [DllImport("libc")]
    private static extern uint geteuid();
}
