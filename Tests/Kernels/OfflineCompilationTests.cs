using System.Reflection;
using System.Text.RegularExpressions;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using IlgpuSiamese.Kernels;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Tests.Kernels;

/// <summary>
/// Every kernel compiles to PTX (sm_60 and sm_90) and to OpenCL C with no device or driver present,
/// so a kernel that would only fail on a GPU fails here first.
/// </summary>
public class OfflineCompilationTests
{
    private static Context context = null!;

    /// <summary>Every kernel entry point: the public static void methods of Kernels' Ops classes taking an ArrayView first.</summary>
    public static IEnumerable<TestCaseData> AllKernels() =>
        typeof(GridStride).Assembly.GetTypes()
            .Where(t => t.Namespace == "IlgpuSiamese.Kernels.Ops" && t.IsAbstract && t.IsSealed)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.ReturnType == typeof(void) && m.GetParameters() is [var first, ..]
                        && first.ParameterType.IsGenericType && first.ParameterType.GetGenericTypeDefinition() == typeof(ArrayView<>))
            .OrderBy(m => m.DeclaringType!.Name).ThenBy(m => m.Name)
            .Select(m => new TestCaseData(m).SetArgDisplayNames($"{m.DeclaringType!.Name}.{m.Name}"));

    [OneTimeSetUp]
    public void CreateContext() => context = Context.Create(b => b.Optimize(OptimizationLevel.O2).EnableAlgorithms().EnableFusedMultiplyAdd());

    [OneTimeTearDown]
    public void DisposeContext() => context.Dispose();

    [Test]
    public void EveryOperationHasKernels() => Assert.That(AllKernels().Count(), Is.GreaterThanOrEqualTo(4));

    [TestCaseSource(nameof(AllKernels))]
    public void CompilesToPtxForSm60AndSm90(MethodInfo kernel)
    {
        foreach (var architecture in new[] { CudaArchitecture.SM_60, CudaArchitecture.SM_90 })
        {
            // ILGPU targets the lowest architecture that has every capability the kernel uses, so the
            // sm_90 build may say .target sm_60: valid PTX for the H200 either way.
            Assert.That(Ptx(kernel, architecture), Does.Contain(".entry").And.Contain(".target sm_"), $"{kernel.Name} for {architecture}");
        }
    }

    [TestCaseSource(nameof(AllKernels))]
    public void CompilesToOpenClC(MethodInfo kernel)
    {
        var source = OpenClC(kernel);
        Assert.That(source, Does.Contain("kernel"), kernel.Name);
        Assert.That(source, Does.Not.Contain("atomic"), $"{kernel.Name} must not use atomics (PoCL 3.1 cannot compile them)");
        Assert.That(source, Does.Not.Contain("double"), $"{kernel.Name} must not use doubles (OpenCL devices without fp64 reject them)");
    }

    /// <summary>
    /// GEMM's 128 multiply-adds per k are fused (FusedMultiplyAdd): the OpenCL C
    /// calls fma and the PTX has fma.rn.f32, never a separate multiply and add for them.
    /// </summary>
    [Test]
    public void GemmTiledUsesFusedMultiplyAdd()
    {
        var kernel = typeof(GemmKernels).GetMethod(nameof(GemmKernels.GemmTiled))!;
        const int perLoop = GemmShape.TileRows * GemmShape.TileColumns;
        // ILGPU writes a call as " fma (var1, var2, var3)".
        Assert.That(Regex.Count(OpenClC(kernel), @"\bfma\s*\("), Is.GreaterThanOrEqualTo(perLoop), "OpenCL C");
        foreach (var architecture in new[] { CudaArchitecture.SM_60, CudaArchitecture.SM_90 })
        {
            var ptx = Ptx(kernel, architecture);
            Assert.That(Regex.Count(ptx, @"\bfma\.rn\.f32\b"), Is.GreaterThanOrEqualTo(perLoop), $"PTX for {architecture}");
            Assert.That(ptx, Does.Not.Contain("mul.f32").And.Not.Contain("mul.rn.f32"), $"PTX for {architecture}: an unfused product");
        }
    }

    /// <summary>
    /// The GPU GEMM stages its slices in shared memory and multiplies each thread's 4×4 elements with fused
    /// multiply-adds: the PTX reads .shared and has at least 16 fma.rn.f32, and no unfused product.
    /// </summary>
    [Test]
    public void GemmSharedTilesStagesInSharedMemoryAndFusesItsProducts()
    {
        var kernel = typeof(GemmKernels).GetMethod(nameof(GemmKernels.GemmSharedTiles))!;
        foreach (var architecture in new[] { CudaArchitecture.SM_60, CudaArchitecture.SM_90 })
        {
            var ptx = Ptx(kernel, architecture);
            Assert.That(ptx, Does.Contain("ld.shared.f32").And.Contain("st.shared.f32").And.Contain("bar.sync"), $"PTX for {architecture}");
            Assert.That(Regex.Count(ptx, @"\bfma\.rn\.f32\b"), Is.GreaterThanOrEqualTo(16), $"PTX for {architecture}");
            Assert.That(ptx, Does.Not.Contain("mul.f32").And.Not.Contain("mul.rn.f32"), $"PTX for {architecture}: an unfused product");
        }
    }

    private static string Ptx(MethodInfo kernel, CudaArchitecture architecture)
    {
        using var backend = new PTXBackend(context, new CudaCapabilityContext(architecture), architecture,
            CudaInstructionSet.ISA_80, nvvmAPI: null);
        return ((PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(kernel), KernelSpecialization.Empty))
            .PTXAssembly;
    }

    private static string OpenClC(MethodInfo kernel)
    {
        var capabilities = (CLCapabilityContext)Activator.CreateInstance(typeof(CLCapabilityContext), CLDeviceCapabilities())!;
        using var backend = new CLBackend(context, capabilities, CLDeviceVendor.Other, CLCVersion.CL20);
        return ((CLCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(kernel), KernelSpecialization.Empty))
            .Source;
    }

    /// <summary>A generic OpenCL 2.0 device: generic address space, no optional extensions.</summary>
    private static object[] CLDeviceCapabilities() =>
        typeof(CLCapabilityContext).GetConstructors().Single(c => c.IsPublic).GetParameters()
            .Select(p => (object)(p.Name == "genericAddressSpace")).ToArray();
}
