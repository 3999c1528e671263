using System.Globalization;

namespace IlgpuSiamese.Oracle.Checks;

/// <summary>
/// Central finite differences in float64 (tiny-dnn's gradient_check): for a parameter array p and a
/// scalar loss L, the analytic dL/dp[j] must match (L(p + h·e_j) - L(p - h·e_j)) / 2h at probed j.
/// The relative error is |a - n| / max(|a|, |n|, floor); the floor (1e-3) sits far above the
/// cancellation noise of the difference quotient (about 1e-16·|L| / h ≈ 1e-10) and far below the
/// size of any gradient the check means to check.
/// A probe that misses and whose one-sided differences disagree (or whose central difference at h/2 differs
/// from the one at h) sits within h of a kink (a ReLU or max
/// changing its branch), where no difference quotient is the derivative: it is skipped, and at most a
/// quarter of the probes may be. (A probe that matches is never counted as a kink: a smooth point with a
/// small gradient and a large curvature fails the one-sided test too, and a probe of one weight then failed.)
/// </summary>
public static class FiniteDifferences
{
    public const double Step = 1e-5;
    public const double Floor = 1e-3;
    public const double MaxRelativeError = 1e-6;
    public const double KinkTolerance = 1e-3;

    public static GradientProbe Probe(string what, double[] parameter, double[] analytic, Func<double> loss, Random random, int probes = 24)
    {
        if (analytic.Length != parameter.Length)
            return new GradientProbe(what + $" (gradient length {analytic.Length}, parameter {parameter.Length})", 0, 0, -1, double.NaN,
                double.NaN, double.PositiveInfinity, 0);
        var indices = Enumerable.Range(0, probes).Select(_ => random.Next(parameter.Length)).Distinct().ToList();
        var atKinks = 0;
        var failures = 0;
        var centre = loss();
        double worstError = 0, worstAnalytic = 0, worstNumeric = 0;
        var worst = -1;
        foreach (var j in indices)
        {
            var saved = parameter[j];
            parameter[j] = saved + Step;
            var plus = loss();
            parameter[j] = saved - Step;
            var minus = loss();
            parameter[j] = saved;
            var numeric = (plus - minus) / (2 * Step);
            var error = Math.Abs(analytic[j] - numeric) / Math.Max(Math.Max(Math.Abs(analytic[j]), Math.Abs(numeric)), Floor);
            // Only a probe that misses is asked whether it sits at a kink: where the gradient is small beside the
            // curvature (right - left ≈ h·L''), a smooth point can look like one, and it has just been checked.
            if (!(error <= MaxRelativeError) && (AtKink(centre, plus, minus, Step) || HalfStepDisagrees(parameter, j, loss, numeric)))
            {
                atKinks++;
                continue;
            }
            if (!(error <= MaxRelativeError))
                failures++;
            if (!(error <= worstError) || worst < 0)
                (worst, worstError, worstAnalytic, worstNumeric) = (j, double.IsNaN(error) ? double.PositiveInfinity : error, analytic[j], numeric);
        }
        return new GradientProbe(what, indices.Count, atKinks, worst, worstAnalytic, worstNumeric, worstError, failures);
    }

    /// <summary>
    /// Whether the central difference at h/2 differs from the one at h by more than the error a probe may have: on
    /// a smooth L they agree to O(h²·L‴), about 1e-10; a kink within h moves them apart, even one whose pull on
    /// the quotient is too small for the one-sided test (a ReLU input 5e-6 from zero moved a probe by 4e-4).
    /// </summary>
    private static bool HalfStepDisagrees(double[] parameter, int j, Func<double> loss, double numeric)
    {
        var saved = parameter[j];
        parameter[j] = saved + Step / 2;
        var plus = loss();
        parameter[j] = saved - Step / 2;
        var minus = loss();
        parameter[j] = saved;
        var half = (plus - minus) / Step;
        return Math.Abs(half - numeric) > MaxRelativeError * Math.Max(Math.Max(Math.Abs(half), Math.Abs(numeric)), Floor);
    }

    /// <summary>Whether L is not smooth within ±h of the probe: its one-sided difference quotients disagree.</summary>
    public static bool AtKink(double centre, double plus, double minus, double h)
    {
        double right = (plus - centre) / h, left = (centre - minus) / h;
        return Math.Abs(right - left) > KinkTolerance * Math.Max(Math.Max(Math.Abs(right), Math.Abs(left)), Floor);
    }

    /// <summary>The scalar Σ dOut·y that turns a vector-valued forward into a loss for the probes.</summary>
    public static double Dot(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }
}

/// <summary>What the probes of one gradient found: the worst relative error and where, how many probes sat at a kink.</summary>
public sealed record GradientProbe(string What, int Probes, int AtKinks, int WorstIndex, double WorstAnalytic, double WorstNumeric,
    double MaxError, int Failures) : IOutcome
{
    public bool TooManyKinks => AtKinks > Probes / 4;

    public bool Passed => Probes > 0 && Failures == 0 && !TooManyKinks;

    public string Message => Probes == 0
        ? $"{What}: nothing to probe"
        : TooManyKinks
            ? $"{What}: {AtKinks} of {Probes} probes within h of a kink"
            : string.Create(CultureInfo.InvariantCulture,
                $"{What}: {Failures} of {Probes} probes over relative error {FiniteDifferences.MaxRelativeError:g3}; worst at index {WorstIndex}: analytic {WorstAnalytic:g12}, finite difference {WorstNumeric:g12} (relative error {MaxError:g3})");
}
