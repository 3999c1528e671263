using IlgpuSiamese.Oracle.Checks;

namespace IlgpuSiamese.Tests.Support;

// The kernel checks' comparison, not the library's IlgpuSiamese.Comparison (a result of SiameseModel.Compare).
using Comparison = IlgpuSiamese.Oracle.Checks.Comparison;

/// <summary>Random inputs (seeded by <see cref="TestSeed"/>: fresh each run, printed, repeatable) and float/double conversions.</summary>
public sealed class Numbers
{
    public int Seed { get; }
    public Random Random { get; }

    public Numbers()
    {
        Seed = TestSeed.ForCurrentTest();
        Random = new Random(Seed);
    }

    public double[] Uniform(int length, double low = -1, double high = 1)
    {
        var values = new double[length];
        for (var i = 0; i < length; i++)
            values[i] = low + (high - low) * Random.NextDouble();
        return values;
    }

    /// <summary>Values rounded to float32 first, so the float kernel and the double reference see the same input.</summary>
    public double[] UniformFloat(int length, double low = -1, double high = 1) =>
        Uniform(length, low, high).Select(v => (double)(float)v).ToArray();

    public double[] Labels(int length) => Enumerable.Range(0, length).Select(_ => (double)Random.Next(2)).ToArray();

    public static float[] ToFloat(double[] values) => values.Select(v => (float)v).ToArray();

    public static double[] ToDouble(float[] values) => values.Select(v => (double)v).ToArray();
}

/// <summary>
/// llm.c-style comparison: |actual - reference| &lt;= atol + rtol·|reference|, worst index named. The check itself
/// is the oracle's <see cref="Comparison"/>, which <c>siamese selftest</c> runs too.
/// </summary>
public static class Close
{
    public static void Assert(string what, float[] actual, double[] reference, double atol = Comparison.DefaultAtol, double rtol = Comparison.DefaultRtol)
    {
        NUnit.Framework.Assert.That(actual, Has.Length.EqualTo(reference.Length), $"{what}: length");
        That(Comparison.Of(what, actual, reference, atol, rtol));
    }

    /// <summary>Fails with the outcome's account of its worst element unless it passed.</summary>
    public static void That(IOutcome outcome)
    {
        if (!outcome.Passed)
            NUnit.Framework.Assert.Fail(outcome.Message);
    }
}
