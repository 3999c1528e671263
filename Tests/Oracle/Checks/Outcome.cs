using System.Globalization;

namespace IlgpuSiamese.Oracle.Checks;

/// <summary>What one comparison found: passed or not, its largest error and a one-line account of the worst element.</summary>
public interface IOutcome
{
    string What { get; }
    bool Passed { get; }

    /// <summary>Kernel checks: the largest |actual - reference|. Gradient checks: the largest relative error.</summary>
    double MaxError { get; }

    string Message { get; }
}

/// <summary>
/// A float32 result against its float64 reference, llm.c's validate_result: each element must satisfy
/// |actual - reference| &lt;= atol + rtol·|reference|; a NaN (a poisoned element the kernel never wrote) fails.
/// </summary>
public sealed record Comparison(string What, int Length, int Failures, int WorstIndex, double WorstActual,
    double WorstReference, double MaxError, double Atol, double Rtol) : IOutcome
{
    public const double DefaultAtol = 1e-5;
    public const double DefaultRtol = 1e-4;

    public bool Passed => Failures == 0;

    public string Message => Length == 0
        ? $"{What}: length differs from the reference"
        : string.Create(CultureInfo.InvariantCulture,
            $"{What}: {Failures} of {Length} values outside atol {Atol:g3} + rtol {Rtol:g3}·|ref|; worst at index {WorstIndex}: actual {WorstActual:g9}, reference {WorstReference:g9}");

    public static Comparison Of(string what, float[] actual, double[] reference, double atol = DefaultAtol, double rtol = DefaultRtol)
    {
        if (actual.Length != reference.Length)
            return new Comparison(what + $" (length {actual.Length}, reference {reference.Length})", 0, 1, -1, double.NaN, double.NaN,
                double.PositiveInfinity, atol, rtol);
        var worst = -1;
        var worstExcess = double.NegativeInfinity;
        var failures = 0;
        var maxError = 0.0;
        for (var i = 0; i < actual.Length; i++)
        {
            var tolerance = atol + rtol * Math.Abs(reference[i]);
            var error = Math.Abs(actual[i] - reference[i]);
            var excess = double.IsFinite(error) ? error / tolerance : double.PositiveInfinity;
            if (!(error <= tolerance))
                failures++;
            maxError = double.IsFinite(error) ? Math.Max(maxError, error) : double.PositiveInfinity;
            if (excess > worstExcess || worst < 0)
            {
                worst = i;
                worstExcess = excess;
            }
        }
        return new Comparison(what, actual.Length, failures, worst, worst < 0 ? 0 : actual[worst], worst < 0 ? 0 : reference[worst],
            maxError, atol, rtol);
    }

    /// <summary>The same for integer results (max-pool's argmax), which must match exactly.</summary>
    public static Comparison Exact(string what, int[] actual, int[] reference) =>
        Of(what, actual.Select(v => (float)v).ToArray(), reference.Select(v => (double)v).ToArray(), atol: 0, rtol: 0);
}
