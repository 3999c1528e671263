using IlgpuSiamese.Measuring;
using IlgpuSiamese.Network;

namespace IlgpuSiamese.Tests.Benchmarking;

public sealed class BenchmarkStatisticsTests
{
    [Test]
    public void MedianOfAnOddCountIsTheMiddleValueWhateverTheOrder()
    {
        Assert.That(BenchmarkStatistics.Median([5.0, 1.0, 3.0]), Is.EqualTo(3.0));
        Assert.That(BenchmarkStatistics.Median([7.0]), Is.EqualTo(7.0));
        Assert.That(BenchmarkStatistics.Median([9.0, -2.0, 4.0, 100.0, 0.5]), Is.EqualTo(4.0));
    }

    [Test]
    public void MedianOfAnEvenCountIsTheMeanOfTheTwoMiddleValues()
    {
        Assert.That(BenchmarkStatistics.Median([4.0, 1.0, 3.0, 2.0]), Is.EqualTo(2.5));
        Assert.That(BenchmarkStatistics.Median([10.0, 20.0]), Is.EqualTo(15.0));
    }

    [Test]
    public void MedianIgnoresOneWildSample()
    {
        Assert.That(BenchmarkStatistics.Median([100.0, 101.0, 99.0, 1e9, 100.5]), Is.EqualTo(100.5));
    }

    [Test]
    public void MedianRefusesNoValuesAndNaN()
    {
        Assert.Throws<ArgumentException>(() => BenchmarkStatistics.Median([]));
        Assert.Throws<ArgumentException>(() => BenchmarkStatistics.Median([1.0, double.NaN]));
    }

    [Test]
    public void RatioDividesAndRefusesAZeroOrNonFiniteDenominator()
    {
        Assert.That(BenchmarkStatistics.Ratio(300, 100), Is.EqualTo(3.0));
        Assert.That(BenchmarkStatistics.Ratio(50, 200), Is.EqualTo(0.25));
        Assert.That(BenchmarkStatistics.Ratio(1, 0), Is.Null);
        Assert.That(BenchmarkStatistics.Ratio(1, -4), Is.Null);
        Assert.That(BenchmarkStatistics.Ratio(1, double.PositiveInfinity), Is.Null);
        Assert.That(BenchmarkStatistics.Ratio(double.NaN, 2), Is.Null);
    }

    [Test]
    public void RateIsItemsPerSecond()
    {
        Assert.That(BenchmarkStatistics.Rate(640, 2.0), Is.EqualTo(320.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => BenchmarkStatistics.Rate(1, 0));
    }

    [Test]
    public void UnitsForFitsTheWorkToTheTargetDuration()
    {
        Assert.That(BenchmarkStatistics.UnitsFor(1.0, 0.1), Is.EqualTo(10));
        Assert.That(BenchmarkStatistics.UnitsFor(1.0, 0.3), Is.EqualTo(4), "rounds up");
        Assert.That(BenchmarkStatistics.UnitsFor(1.0, 20.0), Is.EqualTo(1), "at least one unit, however slow");
        Assert.That(BenchmarkStatistics.UnitsFor(1.0, 1e-9, maximum: 500), Is.EqualTo(500));
        Assert.That(BenchmarkStatistics.UnitsFor(1.0, 0, maximum: 77), Is.EqualTo(77));
    }

    [Test]
    public void ThroughputKeepsSamplesAndReportsTheirMedianAndSpread()
    {
        var t = Throughput.Of([90.0, 110.0, 100.0], perSample: 4);
        Assert.Multiple(() =>
        {
            Assert.That(t.Median, Is.EqualTo(100.0));
            Assert.That(t.Min, Is.EqualTo(90.0));
            Assert.That(t.Max, Is.EqualTo(110.0));
            Assert.That(t.Spread, Is.EqualTo(0.2).Within(1e-12));
            Assert.That(t.Samples, Is.EqualTo(new[] { 90.0, 110.0, 100.0 }));
            Assert.That(t.PerSample, Is.EqualTo(4));
        });
    }

    [Test]
    public void LinearFitGoesThroughTheSmallestAndLargestBatch()
    {
        var (fixedBytes, perItem) = BenchmarkStatistics.LinearFit([(64, 1000 + 64 * 10), (16, 1000 + 16 * 10), (256, 1000 + 256 * 10)]);
        Assert.That(fixedBytes, Is.EqualTo(1000.0).Within(1e-9));
        Assert.That(perItem, Is.EqualTo(10.0).Within(1e-12));
        Assert.Throws<ArgumentException>(() => BenchmarkStatistics.LinearFit([(8, 1)]));
        Assert.Throws<ArgumentException>(() => BenchmarkStatistics.LinearFit([(8, 1), (8, 2)]));
    }

    [Test]
    public void RatiosCompareEachLaterEngineWithEachEarlierOneWithinATower()
    {
        static EngineThroughput Result(string tower, string engine, double training, double inference) =>
            new(engine, engine, tower, 64, 256, Throughput.Of([training], 1), Throughput.Of([inference], 1));
        var results = new[]
        {
            Result("keras", "cpu", 100, 400), Result("keras", "opencl", 300, 800), Result("flat", "cpu", 50, 10),
            Result("keras", "cuda", 1000, 4000),
        };
        var ratios = ThroughputRatio.AllPairs(results);
        Assert.That(ratios.Select(r => $"{r.Tower}:{r.Engine}/{r.Versus}"),
            Is.EquivalentTo(new[] { "keras:opencl/cpu", "keras:cuda/cpu", "keras:cuda/opencl" }));
        var openclOverCpu = ratios.Single(r => r.Engine == "opencl");
        Assert.That(openclOverCpu.Training, Is.EqualTo(3.0));
        Assert.That(openclOverCpu.Inference, Is.EqualTo(2.0));
    }

    [Test]
    public void TowersParseOneOrBothAndRefuseOthers()
    {
        Assert.That(BenchmarkTowers.Parse("both"), Is.EqualTo(new[] { "keras", "flat" }));
        Assert.That(BenchmarkTowers.Parse(" Flat "), Is.EqualTo(new[] { "flat" }));
        Assert.That(BenchmarkTowers.Parse("keras"), Is.EqualTo(new[] { "keras" }));
        Assert.Throws<UserInputException>(() => BenchmarkTowers.Parse("resnet"));
        Assert.That(BenchmarkTowers.LossOf("keras"), Is.EqualTo(IlgpuSiamese.Network.LossKind.Bce));
        Assert.That(BenchmarkTowers.LossOf("flat"), Is.EqualTo(IlgpuSiamese.Network.LossKind.Contrastive));
    }
}
