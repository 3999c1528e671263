using IlgpuSiamese.Cli;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Cli;

/// <summary>Exit codes follow convention: 2 for a usage error (unknown command or option, missing or out-of-range value), 1 for a bad file.</summary>
public class ExitCodeTests
{
    [TestCase("no-such-command")]
    [TestCase("evaluate", "--no-such-option")]
    [TestCase("pairs", "--dataset", "mnist")]
    [TestCase("compare", "--count", "ten")]
    [TestCase("train", "--epochs")]
    [TestCase("evaluate", "--device", "tpu")]
    [TestCase("compare", "a.png", "b.png", "--device", "cpu:-1")]
    public void ParseErrorsAreUsageErrors(params string[] args) =>
        Assert.That(CliRunner.Run(args).Code, Is.EqualTo(ExitCodes.Usage));

    [TestCase("--count", "0", "between 1 and 100000", "compare", "--dir", ".")]
    [TestCase("--seed", "-1", "between 0 and 2147483647", "compare", "--dir", ".")]
    [TestCase("--count", "401", "between 1 and 400", "pairs", "--out", "p.png")]
    [TestCase("--epoch", "-1", "between 0 and 1000000", "pairs", "--out", "p.png")]
    [TestCase("--trials", "0", "between 1 and 1000000", "evaluate")]
    [TestCase("--oneshot", "1", "between 2 and 1000", "evaluate")]
    [TestCase("--test-pairs", "1", "between 2 and 2147483647", "evaluate")]
    [TestCase("--repetitions", "0", "between 1 and 1000", "bench")]
    [TestCase("--warmup", "-1", "between 0 and 10000", "bench")]
    [TestCase("--seconds", "0", "between 0.001 and 600", "bench")]
    [TestCase("--seconds", "NaN", "between 0.001 and 600", "bench")]
    [TestCase("--batch", "0", "between 1 and 4096", "bench")]
    public void NumericOptionsOutOfRangeNameTheOptionAndItsRange(string option, string value, string range, params string[] command)
    {
        var result = CliRunner.Run([.. command, option, value]);
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.Error, Does.Contain($"{option} must be {range}; got {value}."));
    }

    [Test]
    public void AStorageFailureNoCommandWordedIsStillOneLineAndBadInput()
    {
        var (code, error) = Captured(() => throw new IOException("No space left on device : '/data/x'", 28));
        Assert.That(code, Is.EqualTo(ExitCodes.BadInput));
        Assert.That(error, Is.EqualTo("error: No space left on device : '/data/x'\n"));
    }

    [Test]
    public void ADefectOfOursIsOneLineAskingForAReportNotAStackTrace()
    {
        var (code, error) = Captured(() => throw new InvalidOperationException("boom"));
        Assert.That(code, Is.EqualTo(ExitCodes.Internal));
        Assert.That(error, Does.StartWith("error: internal error (InvalidOperationException: boom); this is a defect of siamese: please report it"));
        Assert.That(error.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
    }

    private static (int Code, string Error) Captured(Func<int> command)
    {
        var old = Console.Error;
        var error = new StringWriter();
        Console.SetError(error);
        try
        {
            return (ExitCodes.Run(command), error.ToString().ReplaceLineEndings("\n"));
        }
        finally
        {
            Console.SetError(old);
        }
    }

    [Test]
    public void ABadFileIsBadInputNotUsage()
    {
        using var folder = new TempFolder();
        Assert.That(CliRunner.Run("evaluate", "--model", folder["none.siamese"]).Code, Is.EqualTo(ExitCodes.BadInput));
    }
}
