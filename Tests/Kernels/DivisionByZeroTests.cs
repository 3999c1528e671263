using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

/// <summary>PoCL's SIGFPE handler must not swallow .NET's DivideByZeroException once OpenCL is loaded.</summary>
public class DivisionByZeroTests
{
    [Test]
    public void IntegerDivisionByZeroStillThrowsAfterOpenClLoads()
    {
        Backends.Open("opencl:0");
        var zero = Environment.ProcessorCount - Environment.ProcessorCount;
        Assert.Throws<DivideByZeroException>(() => _ = 1 / zero);
    }
}
