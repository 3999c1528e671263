using System.Globalization;

namespace IlgpuSiamese.Oracle.Checks;

/// <summary>
/// Central finite differences in float64 (tiny-dnn's gradient_check): for a parameter array p and a
/// scalar loss L, the analytic dL/dp[j] must match (L(p + h·e_j) - L(p - h·e_j)) / 2h at probed j.
/// The relative error is |a - n| / max(|a|, |n|, floor); the floor (1e-3) sits far above the
/// cancellation noise of the difference quotient (about 1e-16·|L| / h ≈ 1e-10) and far below the
/// size of any gradient the check means to check.
/// A probe that misses is skipped only where <see cref="AtKink"/> shows a kink (a ReLU, a max or a clamp changing
/// its branch) within h and the analytic value a one-sided derivative there, where no difference quotient is the
/// derivative; at most a quarter of the probes may be skipped.
/// </summary>
public static class FiniteDifferences
{
    public const double Step = 1e-5;
    public const double Floor = 1e-3;
    public const double MaxRelativeError = 1e-6;

    /// <summary>float64's machine epsilon, 2⁻⁵².</summary>
    private const double Epsilon = 2.220446049250313e-16;

    public static GradientProbe Probe(string what, double[] parameter, double[] analytic, Func<double> loss, Random random, int probes = 24)
    {
        if (analytic.Length != parameter.Length)
            return new GradientProbe(what + $" (gradient length {analytic.Length}, parameter {parameter.Length})", 0, 0, -1, double.NaN,
                double.NaN, double.PositiveInfinity, 0);
        var indices = Enumerable.Range(0, probes).Select(_ => random.Next(parameter.Length)).Distinct().ToList();
        var atKinks = 0;
        var failures = 0;
        double worstError = 0, worstAnalytic = 0, worstNumeric = 0;
        var worst = -1;
        foreach (var j in indices)
        {
            double LossAt(double offset) => LossWith(parameter, j, offset, loss);
            var numeric = (LossAt(Step) - LossAt(-Step)) / (2 * Step);
            var scale = Math.Max(Math.Max(Math.Abs(analytic[j]), Math.Abs(numeric)), Floor);
            var error = Math.Abs(analytic[j] - numeric) / scale;
            if (!(error <= MaxRelativeError) && AtKink(LossAt, analytic[j], MaxRelativeError * scale))
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

    /// <summary>L with parameter[j] moved by <paramref name="offset"/>, the parameter restored after.</summary>
    public static double LossWith(double[] parameter, int j, double offset, Func<double> loss)
    {
        var saved = parameter[j];
        parameter[j] = saved + offset;
        try
        {
            return loss();
        }
        finally
        {
            parameter[j] = saved;
        }
    }

    /// <summary>
    /// Whether a probe that missed by more than <paramref name="tolerance"/> is excused by a kink. L(p + x) is taken at
    /// x = -h, -h/2, 0, h/2, h; q₁..q₄ are its four half-step difference quotients. On a smooth L consecutive quotients
    /// differ by (h/2)·L″ each, equal to O(h²·L‴) and rounding, however large L″ or small L′; a kink within h changes
    /// one or two of those differences by up to its jump in slope. So there must be (i) a kink: the three differences
    /// spread by far more than rounding; and (ii) a subgradient: the analytic value within the tolerance of the
    /// interval between the one-sided derivatives at p, each extrapolated from the two quotients on its side
    /// (1.5·q₂ - 0.5·q₁ and 1.5·q₃ - 0.5·q₄, exact to O(h²) on the side without the kink). Where L is smooth both
    /// are L′(p), so a wrong gradient there is never excused.
    /// </summary>
    public static bool AtKink(Func<double, double> lossAt, double analytic, double tolerance)
    {
        const double half = Step / 2;
        double[] l = [lossAt(-Step), lossAt(-half), lossAt(0), lossAt(half), lossAt(Step)];
        var q = Enumerable.Range(0, 4).Select(i => (l[i + 1] - l[i]) / half).ToArray();
        double[] differences = [q[1] - q[0], q[2] - q[1], q[3] - q[2]];
        // Each L is off by up to about 16ε·|L| (the rounding of its sums); a difference of quotients by 4 of those over
        // h/2, the spread by twice that.
        var rounding = 256 * Epsilon * l.Max(Math.Abs) / Step;
        if (!(differences.Max() - differences.Min() > rounding))
            return false;
        double left = 1.5 * q[1] - 0.5 * q[0], right = 1.5 * q[2] - 0.5 * q[3];
        var margin = tolerance + rounding;
        return analytic >= Math.Min(left, right) - margin && analytic <= Math.Max(left, right) + margin;
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
