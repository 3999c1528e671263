using System.Text;

namespace IlgpuSiamese.Tests.Support;

/// <summary>Random inputs (fresh each run, seed printed on failure) and float/double conversions.</summary>
public sealed class Numbers
{
    public int Seed { get; }
    public Random Random { get; }

    public Numbers()
    {
        Seed = Environment.TickCount ^ Guid.NewGuid().GetHashCode();
        Random = new Random(Seed);
        TestContext.Out.WriteLine($"random seed {Seed}");
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

/// <summary>llm.c-style comparison: |actual - reference| &lt;= atol + rtol·|reference|, worst index named.</summary>
public static class Close
{
    public static void Assert(string what, float[] actual, double[] reference, double atol = 1e-5, double rtol = 1e-4)
    {
        NUnit.Framework.Assert.That(actual, Has.Length.EqualTo(reference.Length), $"{what}: length");
        var worst = -1;
        var worstExcess = double.NegativeInfinity;
        var failures = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var tolerance = atol + rtol * Math.Abs(reference[i]);
            var error = Math.Abs(actual[i] - reference[i]);
            var excess = double.IsFinite(error) ? error / tolerance : double.PositiveInfinity;
            if (!(error <= tolerance))
                failures++;
            if (excess > worstExcess || worst < 0)
            {
                worst = i;
                worstExcess = excess;
            }
        }
        if (failures == 0)
            return;
        var message = new StringBuilder()
            .Append($"{what}: {failures} of {actual.Length} values outside atol {atol:g3} + rtol {rtol:g3}·|ref|; ")
            .Append($"worst at index {worst}: actual {actual[worst]:g9}, reference {reference[worst]:g9}");
        NUnit.Framework.Assert.Fail(message.ToString());
    }
}
