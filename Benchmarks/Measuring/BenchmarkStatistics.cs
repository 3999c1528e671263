namespace IlgpuSiamese.Measuring;

/// <summary>
/// Repeated measurements of one rate (pairs per second): the median is the figure reported, min and max
/// show the spread, and every sample is kept for the JSON output.
/// </summary>
/// <param name="PerSample">How much work one sample timed: optimiser steps or inference batches.</param>
public sealed record Throughput(double Median, double Min, double Max, IReadOnlyList<double> Samples, int PerSample)
{
    public static Throughput Of(IReadOnlyList<double> samples, int perSample) =>
        new(BenchmarkStatistics.Median(samples), samples.Min(), samples.Max(), samples.ToArray(), perSample);

    /// <summary>Work an engine does not do (training, for an inference-only peer): no samples, NaN figures, no ratio.</summary>
    public static Throughput NotApplicable { get; } = new(double.NaN, double.NaN, double.NaN, [], 0);

    public bool Measured => Samples.Count > 0;

    /// <summary>(max - min) / median: 0.1 means the samples spread over 10% of the median.</summary>
    public double Spread => Median > 0 ? (Max - Min) / Median : 0;
}

/// <summary>The arithmetic the benchmark reports rest on, kept apart so that tests can pin it down.</summary>
public static class BenchmarkStatistics
{
    /// <summary>The middle value; for an even count, the mean of the two middle values. Order of the input does not matter.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
            throw new ArgumentException("the median of no values is undefined", nameof(values));
        if (values.Any(double.IsNaN))
            throw new ArgumentException("a value is NaN", nameof(values));
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>The nearest-rank percentile of sorted values (NaN for none): the smallest value with at least that fraction at or below it.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double fraction) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>
    /// numerator / denominator for two rates (pairs per second): above 1 the numerator is faster.
    /// Null when the denominator is not a positive finite number, so that no infinity reaches a report.
    /// </summary>
    public static double? Ratio(double numerator, double denominator) =>
        denominator > 0 && double.IsFinite(denominator) && double.IsFinite(numerator) ? numerator / denominator : null;

    /// <summary>Items per second for <paramref name="items"/> done in <paramref name="seconds"/>.</summary>
    public static double Rate(long items, double seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(items);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seconds);
        return items / seconds;
    }

    /// <summary>
    /// How many units of work to time so that one sample lasts about <paramref name="targetSeconds"/>,
    /// from the seconds one unit took: at least 1, at most <paramref name="maximum"/>.
    /// </summary>
    public static int UnitsFor(double targetSeconds, double secondsPerUnit, int maximum = 10_000)
    {
        if (!(secondsPerUnit > 0) || !double.IsFinite(secondsPerUnit))
            return maximum;
        var units = Math.Ceiling(targetSeconds / secondsPerUnit);
        return (int)Math.Clamp(units, 1, maximum);
    }

    /// <summary>
    /// Bytes of a linear fit bytes = fixed + perItem * batch through the smallest and the largest batch:
    /// what a buffer layout that is allocated once for the largest batch costs per pair.
    /// </summary>
    public static (double Fixed, double PerItem) LinearFit(IReadOnlyList<(int Batch, long Bytes)> points)
    {
        if (points.Count < 2)
            throw new ArgumentException("a line needs two points", nameof(points));
        var first = points.MinBy(p => p.Batch);
        var last = points.MaxBy(p => p.Batch);
        if (first.Batch == last.Batch)
            throw new ArgumentException("a line needs two different batch sizes", nameof(points));
        var perItem = (double)(last.Bytes - first.Bytes) / (last.Batch - first.Batch);
        return (first.Bytes - perItem * first.Batch, perItem);
    }
}
