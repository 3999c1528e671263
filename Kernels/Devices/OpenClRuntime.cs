using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using ILGPU.Runtime.OpenCL;

namespace IlgpuSiamese.Kernels.Devices;

/// <summary>
/// The two places where this project bends ILGPU 1.5.3's OpenCL support to the machines it runs on.
/// </summary>
public static class OpenClRuntime
{
    private static int resolverInstalled;

    /// <summary>
    /// ILGPU imports the OpenCL entry points from a library named "OpenCL", which the loader finds on
    /// Linux only as <c>libOpenCL.so</c>, a file that comes with the -dev package. When that name fails,
    /// fall back to the runtime's own soname <c>libOpenCL.so.1</c> (package ocl-icd-libopencl1).
    /// The fallback is an <see cref="AssemblyLoadContext.ResolvingUnmanagedDll"/> handler, so it never
    /// competes with a DllImport resolver that ILGPU itself may install.
    /// </summary>
    public static void InstallLibraryFallback()
    {
        if (Interlocked.Exchange(ref resolverInstalled, 1) == 1)
            return;
        // PoCL installs a process-wide SIGFPE handler that turns .NET's integer division by zero
        // into silence; keep .NET's behaviour unless the user chose otherwise. PoCL reads the native
        // environment, which .NET's Environment.SetEnvironmentVariable does not change on Unix.
        if (Environment.GetEnvironmentVariable("POCL_SIGFPE_HANDLER") is null && !OperatingSystem.IsWindows())
            _ = SetNativeEnvironment("POCL_SIGFPE_HANDLER", "0", overwrite: 0);
        AssemblyLoadContext.Default.ResolvingUnmanagedDll += (_, name) =>
        {
            if (name != "OpenCL")
                return IntPtr.Zero;
            foreach (var candidate in new[] { "libOpenCL.so.1", "libOpenCL.so", "OpenCL.dll" })
            {
                if (NativeLibrary.TryLoad(candidate, out var handle))
                    return handle;
            }
            return IntPtr.Zero;
        };
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetNativeEnvironment(string name, string value, int overwrite);

    /// <summary>
    /// ILGPU 1.5.3 refuses any OpenCL device that does not report the generic address space.
    /// PoCL 3.1's CPU device reports none, although it has one flat memory in which every pointer is
    /// generic in effect; ILGPU's code for it ran correctly there at optimisation level O2 (at O1 ILGPU
    /// emits <c>__generic</c>, which PoCL 3.1 rejects). So for CPU-type devices only, set ILGPU's
    /// capability flag (its setter is internal) and always compile at O2. GPUs keep ILGPU's check.
    /// Returns true when the flag had to be overridden.
    /// </summary>
    public static bool AcceptFlatMemoryCpuDevice(CLDevice device)
    {
        if (device.DeviceType != CLDeviceType.CL_DEVICE_TYPE_CPU || device.Capabilities.GenericAddressSpace)
            return false;
        var property = typeof(CLCapabilityContext).GetProperty(
            nameof(CLCapabilityContext.GenericAddressSpace),
            BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            ?? throw new MissingMemberException(nameof(CLCapabilityContext), nameof(CLCapabilityContext.GenericAddressSpace));
        var setter = property.GetSetMethod(nonPublic: true)
            ?? throw new MissingMethodException($"{nameof(CLCapabilityContext)}.{nameof(CLCapabilityContext.GenericAddressSpace)} has no setter in this ILGPU version.");
        setter.Invoke(device.Capabilities, [true]);
        return true;
    }
}
