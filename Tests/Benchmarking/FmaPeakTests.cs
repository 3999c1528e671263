using System.Text.RegularExpressions;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using IlgpuSiamese.Kernels;
using IlgpuSiamese.Measuring;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Benchmarking;

/// <summary>The peak kernel computes its chains exactly, and the measurement gives a rate on every backend.</summary>
[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class FmaPeakTests(string deviceId) : BackendFixture(deviceId)
{
    [TestCase(1, 1)]
    [TestCase(37, 29)]
    public void EveryChainOfEveryItemMatchesTheReferenceExactly(int items, int iterations)
    {
        // Small integers: every partial sum is exact in float32, so the kernel must give the reference's bits.
        var numbers = new Numbers();
        var y = Enumerable.Range(0, FmaPeak.Rows * 16).Select(_ => (double)numbers.Random.Next(-4, 5)).ToArray();
        var a = Enumerable.Range(0, FmaPeak.Chains).Select(_ => (double)numbers.Random.Next(-4, 5)).ToArray();
        using var arrays = new DeviceBuffers(Device);
        var result = arrays.Poisoned(items * FmaPeak.FloatsPerItem);

        FmaPeak.Launch(Device, result, arrays.Upload(y.Concat(a).ToArray()), new FmaPeakParams(items, iterations));

        var actual = arrays.Read(result);
        var expected = FmaChainsReference.Run(items, y, a, lanes: 16, iterations);
        var wrong = Enumerable.Range(0, expected.Length).FirstOrDefault(i => actual[i] != expected[i], -1);
        Assert.That(wrong, Is.EqualTo(-1), () => $"seed {numbers.Seed}: index {wrong}: {actual[wrong]} instead of {expected[wrong]}");
    }

    [Test]
    public void TheMeasuredPeakIsAPositiveFiniteRateAndSaysHowItWasFound()
    {
        var peak = FmaPeak.Measure(Device, secondsPerLaunch: 0.02, launches: 2);

        Assert.That(peak.GflopsPerSecond, Is.Not.Null);
        Assert.That(double.IsFinite(peak.GflopsPerSecond!.Value) && peak.GflopsPerSecond > 0, Is.True, $"{peak.GflopsPerSecond}");
        Assert.That(peak.Assumption, Does.StartWith("measured").And.Contain(DeviceId));
    }
}

public class FmaPeakOfflineTests
{
    [Test]
    public void ALaunchCountsTwoFlopsPerLanePerChainPerStep() =>
        Assert.That(FmaPeak.Flops(new FmaPeakParams(Items: 3, Iterations: 5)), Is.EqualTo(2.0 * 3 * 8 * 16 * 5));

    /// <summary>With no GPU here, the kernel is compiled to PTX as a GPU would run it: every step of every lane a fused multiply-add.</summary>
    [Test]
    public void ItCompilesToPtxWithAFusedMultiplyAddPerLaneAndChain()
    {
        using var context = Context.Create(b => b.Optimize(OptimizationLevel.O2).EnableAlgorithms().EnableFusedMultiplyAdd());
        using var backend = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90,
            CudaInstructionSet.ISA_80, nvvmAPI: null);
        var kernel = typeof(FmaPeak).GetMethod(nameof(FmaPeak.FmaChains))!;
        var ptx = ((PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(kernel), KernelSpecialization.Empty)).PTXAssembly;

        Assert.That(Regex.Count(ptx, @"\bfma\.rn\.f32\b"), Is.GreaterThanOrEqualTo(FmaPeak.FloatsPerItem));
        Assert.That(ptx, Does.Not.Contain("mul.f32").And.Not.Contain("mul.rn.f32"), "an unfused product");
    }
}
