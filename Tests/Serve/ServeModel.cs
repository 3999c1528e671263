using IlgpuSiamese.Cli;
using IlgpuSiamese.Cli.Serve;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Serve;

/// <summary>
/// The bundled model on OpenCL (PoCL here), loaded once for every serve test: its kernels compile once. Without an
/// OpenCL device it runs on ILGPU's CPU accelerator, except in CI, which must have PoCL. Warmed up as the server is, so
/// that no request's time limit covers compiling the kernels (tens of seconds on PoCL when the machine is busy).
/// </summary>
public static class ServeModel
{
    private static readonly Lazy<SiameseModel> Loaded = new(() =>
    {
        var model = SiameseModel.Load(BundledPath, Device);
        WarmUp.Run(model);
        return model;
    });

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
