using System.Diagnostics;

namespace IlgpuSiamese.Training.Storage;

/// <summary>Whether a process that left its id in a file name or a lock is still running.</summary>
public static class RunningProcess
{
    public static bool IsAlive(int processId)
    {
        if (processId == Environment.ProcessId)
            return true;
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
