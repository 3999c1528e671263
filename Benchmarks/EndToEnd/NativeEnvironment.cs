using System.Runtime.InteropServices;

namespace IlgpuSiamese.Benchmarks.EndToEnd;

/// <summary>
/// Environment variables that native libraries read with getenv when they load (libgomp's
/// OMP_WAIT_POLICY, PoCL's POCL_MAX_PTHREAD_COUNT). On Unix, .NET's Environment.SetEnvironmentVariable
/// changes only the runtime's own copy, which native code never sees; this sets the C library's too.
/// Call it before the library loads; a value already set (by the user) is kept.
/// </summary>
public static partial class NativeEnvironment
{
    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    /// <summary>Sets <paramref name="name"/> unless it is set already; returns the value in force.</summary>
    public static string SetDefault(string name, string value)
    {
        if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } existing)
            return existing;
        Environment.SetEnvironmentVariable(name, value);
        if (!OperatingSystem.IsWindows())
            SetEnv(name, value, 0);
        return value;
    }
}
