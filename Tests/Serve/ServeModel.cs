using IlgpuSiamese.Cli;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Serve;

/// <summary>
/// The bundled model on OpenCL (PoCL here), loaded once for every serve test: its kernels compile once. Without an
/// OpenCL device it runs on ILGPU's CPU accelerator, except in CI, which must have PoCL.
/// </summary>
public static class ServeModel
{
    private static readonly Lazy<SiameseModel> Loaded = new(() => SiameseModel.Load(BundledPath, Device));

    public static string BundledPath => Path.Combine(Repository.Root(), ModelOption.BundledModel);

    public static string Device
    {
        get
        {
            if (Backends.Usable("opencl:0"))
                return "opencl:0";
            if (Backends.InCi)
                Assert.Fail("no usable OpenCL device; CI must run the serve tests on OpenCL (is PoCL installed?)");
            return "cpu:0";
        }
    }

    public static SiameseModel Shared => Loaded.Value;

    public static string Sample(string name) => Path.Combine(Repository.Root(), "samples", name);

    public static void DisposeShared()
    {
        if (Loaded.IsValueCreated)
            Loaded.Value.Dispose();
    }
}

[SetUpFixture]
public sealed class DisposeServeModelAfterAllTests
{
    [OneTimeTearDown]
    public void DisposeModel() => ServeModel.DisposeShared();
}
