using IlgpuSiamese.Cli;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Serve;

/// <summary><c>siamese serve</c>'s command line: its help, and what it refuses before loading anything.</summary>
public class ServeCommandTests
{
    [Test]
    public void HelpNamesEveryOptionWithItsDefault()
    {
        var result = CliRunner.Run("serve", "--help");

        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        foreach (var option in new[] { "--model", "--device", "--host", "--port", "--max-batch", "--batch-wait-ms", "--queue-limit", "--max-upload-mb", "--request-timeout-s" })
            Assert.That(result.Out, Does.Contain(option));
        Assert.That(result.Out, Does.Contain("[default: 127.0.0.1]").And.Contain("[default: 8080]").And.Contain("[default: 1024]"));
    }

    [TestCase("--port", "70000")]
    [TestCase("--max-batch", "0")]
    [TestCase("--queue-limit", "0")]
    [TestCase("--max-upload-mb", "0")]
    [TestCase("--request-timeout-s", "0")]
    [TestCase("--device", "gpu")]
    [TestCase("--host", "example.com")]
    public void AnOptionOutOfRangeIsAUsageError(string option, string value)
    {
        var result = CliRunner.Run("serve", option, value);

        Assert.That(result.Code, Is.EqualTo(ExitCodes.Usage), result.Out + result.Error);
        Assert.That(result.Error, Does.Contain(option));
    }

    [Test]
    public void LocalhostNeedsAPortOfItsOwnChoosing()
    {
        var result = CliRunner.Run("serve", "--host", "localhost", "--port", "0");

        Assert.That(result.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.Error, Does.Contain("use --host 127.0.0.1 or ::1"));
    }

    [Test]
    public void AMissingModelFileIsOneErrorLine()
    {
        using var temp = new TempFolder();
        var result = CliRunner.Run("serve", "--model", temp["none.siamese"], "--device", "cpu", "--port", "0");

        Assert.That(result.Code, Is.EqualTo(ExitCodes.BadInput));
        Assert.That(result.Error.Trim(), Does.StartWith("error: ").And.Contain("none.siamese").And.Not.Contain("\n"));
    }
}
