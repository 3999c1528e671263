using System.Text.Json;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Cli;

/// <summary><c>siamese selftest</c> in process on ILGPU's CPU accelerator: a row per op and check, exit 0.</summary>
public class SelftestCommandTests
{
    [Test]
    public void OnTheCpuAcceleratorEveryCheckPassesWithARowPerOp()
    {
        var result = CliRunner.Run("selftest", "--device", "cpu:0");
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Out + result.Error);
        foreach (var op in KernelChecks.All.Select(c => c.Op).Concat(GradientChecks.All.Select(c => c.Op)))
            Assert.That(result.Out, Does.Contain(op));
        var rows = result.Out.Split('\n').Count(line => line.Contains(" pass "));
        Assert.That(rows, Is.EqualTo(KernelChecks.All.Count + GradientChecks.All.Count));
        Assert.That(result.Out, Does.Contain("all checks passed"));
    }

    [Test]
    public void JsonHasOneEntryPerCheckAndDevice()
    {
        var result = CliRunner.Run("selftest", "--device", "cpu", "--json", "--seed", "7");
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        var json = JsonDocument.Parse(result.Out).RootElement;
        Assert.That(json.GetProperty("passed").GetBoolean());
        Assert.That(json.GetProperty("seed").GetInt32(), Is.EqualTo(7));
        var checks = json.GetProperty("checks").EnumerateArray().ToList();
        Assert.That(checks.Count(c => c.GetProperty("device").GetString() == "cpu:0"), Is.EqualTo(KernelChecks.All.Count));
        Assert.That(checks.Count(c => c.GetProperty("kind").GetString() == SelfTest.GradientKind), Is.EqualTo(GradientChecks.All.Count));
        Assert.That(checks.All(c => c.GetProperty("maxError").GetDouble() >= 0));
        // Each check names the paths its op's plan took on the device: on ILGPU's CPU accelerator, 9 input channels take dX
        // from the shifted runs, a conv through a max-pool with 9 taps sums dW from the pool; an op with one way to run, "-".
        string Path(string op) => checks.Single(c => c.GetProperty("op").GetString() == op && c.GetProperty("device").GetString() == "cpu:0")
            .GetProperty("path").GetString()!;
        Assert.That(Path("Conv2d, 9 input channels"), Does.Contain("forward im2col+GEMM (register tiles)").And.Contain("dX shifted runs"));
        Assert.That(Path("Conv2d + MaxPool2d backward"), Does.StartWith("dW pooled sums"));
        Assert.That(Path("Gemm"), Is.EqualTo("register tiles"));
        Assert.That(Path("MaxPool2d"), Is.EqualTo("-"));
        Assert.That(checks.Where(c => c.GetProperty("kind").GetString() == SelfTest.GradientKind).Select(c => c.GetProperty("path").GetString()),
            Is.All.EqualTo("-"));
    }

    [Test]
    public void ABadDeviceIsAUsageError()
    {
        var result = CliRunner.Run("selftest", "--device", "tpu");
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.Error, Does.Contain("--device"));
    }
}
