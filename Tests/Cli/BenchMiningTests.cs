using System.Text.Json;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Cli;

/// <summary><c>siamese bench --mining</c>: the training rate with and without batch-hard mining, measured in one run, and their ratio.</summary>
public class BenchMiningTests
{
    [Test]
    public void EachAcceleratorGetsAMinedRowAndItsRatioToThePlainOne()
    {
        using var folder = new TempFolder();
        var result = CliRunner.Run("bench", "--mining", "--device", "cpu:0", "--tower", "flat", "--repetitions", "1", "--warmup", "1",
            "--seconds", "0.01", "--json", "--data-dir", folder["data"]);
        Assert.That(result.Code, Is.Zero, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var results = json.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.That(results.Select(r => r.GetProperty("engine").GetString()), Is.EqualTo(new[] { "ilgpu cpu:0", "ilgpu cpu:0 +batch-hard" }));
        // The mined steps did real work: a triplet loss of random weights on balanced batches is near its margin, not 0 or NaN.
        Assert.That(results[1].GetProperty("lastMeanLoss").GetDouble(), Is.GreaterThan(0.1).And.LessThan(10));
        var ratio = json.RootElement.GetProperty("ratios").EnumerateArray().Single();
        Assert.That((ratio.GetProperty("engine").GetString(), ratio.GetProperty("versus").GetString()), Is.EqualTo(("ilgpu cpu:0 +batch-hard", "ilgpu cpu:0")));
        Assert.That(ratio.GetProperty("training").GetDouble(), Is.GreaterThan(0));
    }

    [Test]
    public void WithLayersItIsRefused()
    {
        var result = CliRunner.Run("bench", "--mining", "--layers", "--device", "cpu:0");
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.Error, Does.Contain("--mining").And.Contain("--layers"));
    }
}
