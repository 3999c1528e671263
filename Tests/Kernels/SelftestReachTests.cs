using System.Reflection;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

/// <summary>
/// <c>siamese selftest</c> runs <see cref="KernelChecks.All"/> on the user's devices. On a CPU device (PoCL, ILGPU's CPU
/// accelerator) those checks load every kernel but the GPUs' shared-memory GEMM, so no kernel such a device runs goes
/// unchecked there. A new kernel, or a path a check no longer takes, fails this until a check reaches it.
/// </summary>
[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class SelftestReachTests(string deviceId) : BackendFixture(deviceId)
{
    private const string GpuOnly = "GemmKernels.GemmSharedTiles";

    [Test]
    public void SelftestReachesEveryKernelACpuDeviceRuns()
    {
        if (Device.Info.IsGpu)
            Assert.Ignore("a GPU takes other paths; selftest's path column names them");
        using var fresh = ComputeDevice.Open(DeviceId);
        var random = new Random(7);
        foreach (var check in KernelChecks.All)
            Assert.That(check.Run(fresh, random).ToList(), Is.Not.Empty, check.Op);
        var reached = fresh.LoadedKernels.Select(Name).ToHashSet();
        var kernels = OfflineCompilationTests.AllKernels().Select(c => Name((MethodInfo)c.Arguments[0]!)).ToList();
        Assert.That(kernels, Does.Contain(GpuOnly));
        Assert.That(kernels.Where(k => k != GpuOnly && !reached.Contains(k)), Is.Empty, "kernels no selftest check loads");
    }

    private static string Name(MethodInfo kernel) => $"{kernel.DeclaringType!.Name}.{kernel.Name}";
}
