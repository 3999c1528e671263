using System.Text.Json;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Cli;

/// <summary><c>siamese bench --augment</c>: the training rate with and without augmentation, measured in one run, and their ratio.</summary>
public class BenchAugmentTests
{
    [Test]
    public void EachAcceleratorGetsAnAugmentingRowAndItsRatioToThePlainOne()
    {
        // No MNIST in this data folder: synthetic images; one short sample of each kind of work.
        using var folder = new TempFolder();
        var result = CliRunner.Run("bench", "--augment", "--device", "cpu:0", "--tower", "keras", "--repetitions", "1", "--warmup", "1",
            "--seconds", "0.01", "--json", "--data-dir", folder["data"]);
        Assert.That(result.Code, Is.Zero, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var engines = json.RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("engine").GetString()).ToList();
        Assert.That(engines, Is.EqualTo(new[] { "ilgpu cpu:0", "ilgpu cpu:0 +augment" }));
        var ratio = json.RootElement.GetProperty("ratios").EnumerateArray().Single();
        Assert.That((ratio.GetProperty("engine").GetString(), ratio.GetProperty("versus").GetString()), Is.EqualTo(("ilgpu cpu:0 +augment", "ilgpu cpu:0")));
        Assert.That(ratio.GetProperty("training").GetDouble(), Is.GreaterThan(0));
    }

    [Test]
    public void WithLayersItIsRefused()
    {
        var result = CliRunner.Run("bench", "--augment", "--layers", "--device", "cpu:0");
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.Error, Does.Contain("--augment").And.Contain("--layers"));
    }
}
