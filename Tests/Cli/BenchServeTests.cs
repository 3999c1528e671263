using System.Text.Json;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Cli.LoadTest;
using IlgpuSiamese.Measuring;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Cli;

/// <summary><c>siamese bench serve</c>: a short load test of a real <c>siamese serve</c> child process on the CPU accelerator.</summary>
public class BenchServeTests
{
    [Test]
    public void EveryClientCountGetsItsRowAndTheServerStopsOnSigterm()
    {
        var result = CliRunner.Run("bench", "serve", "--device", "cpu", "--requests", "24", "--clients", "1,4", "--warmup", "8", "--json");

        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        var json = JsonDocument.Parse(result.Out).RootElement;
        var rows = json.GetProperty("rows").EnumerateArray().ToList();
        Assert.That(rows.Select(r => r.GetProperty("clients").GetInt32()), Is.EqualTo(new[] { 1, 4 }));
        var inProcess = json.GetProperty("inProcess").GetProperty("preparedOnce").GetDouble();
        Assert.That(inProcess, Is.GreaterThan(0));
        Assert.That(json.GetProperty("inProcess").GetProperty("decodedPerPair").GetDouble(), Is.GreaterThan(0));
        foreach (var row in rows)
        {
            Assert.That(row.GetProperty("requests").GetInt32(), Is.EqualTo(24));
            Assert.That(row.GetProperty("errors").GetInt32(), Is.Zero, row.GetProperty("firstErrors").ToString());
            Assert.That(row.GetProperty("p50").GetDouble(), Is.GreaterThan(0).And.LessThanOrEqualTo(row.GetProperty("p99").GetDouble()));
            var pairsPerSecond = row.GetProperty("pairsPerSecond").GetDouble();
            Assert.That(row.GetProperty("versusInProcess").GetDouble(), Is.EqualTo(pairsPerSecond / inProcess).Within(0.5).Percent);
            Assert.That(row.GetProperty("meanBatch").GetDouble(), Is.InRange(1.0, 4.0));
            Assert.That(row.GetProperty("residentBytes").GetInt64(), Is.GreaterThan(0));
        }
        Assert.That(rows[0].GetProperty("meanBatch").GetDouble(), Is.EqualTo(1.0), "one client at a time fills no batch beyond one pair");
        Assert.That(json.GetProperty("singleRequestP50").GetDouble(), Is.EqualTo(rows[0].GetProperty("p50").GetDouble()));
        Assert.That(json.GetProperty("memory").GetProperty("atEndBytes").GetInt64(), Is.EqualTo(rows[^1].GetProperty("residentBytes").GetInt64()));
        Assert.That(json.GetProperty("exitCodeAfterSigterm").GetInt32(), Is.Zero);
    }

    [TestCase("0")]
    [TestCase("1,x")]
    [TestCase(",")]
    public void AClientCountThatIsNotACountIsAUsageError(string clients)
    {
        var result = CliRunner.Run("bench", "serve", "--clients", clients);
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.Error, Does.Contain("--clients"));
    }

    [Test]
    public void PercentilesAreNearestRank()
    {
        double[] sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.That(BenchmarkStatistics.Percentile(sorted, 0.50), Is.EqualTo(5));
        Assert.That(BenchmarkStatistics.Percentile(sorted, 0.99), Is.EqualTo(10));
        Assert.That(BenchmarkStatistics.Percentile(sorted, 0.10), Is.EqualTo(1));
        Assert.That(BenchmarkStatistics.Percentile([7.5], 0.99), Is.EqualTo(7.5));
        Assert.That(BenchmarkStatistics.Percentile([], 0.5), Is.NaN);
    }
}
