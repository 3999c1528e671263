namespace IlgpuSiamese.Tests.Support;

/// <summary>
/// Central finite differences in float64 (tiny-dnn's gradient_check): for a parameter array p and a
/// scalar loss L, the analytic dL/dp[j] must match (L(p + h·e_j) - L(p - h·e_j)) / 2h at probed j.
/// The relative error is |a - n| / max(|a|, |n|, floor); the floor (1e-3) sits far above the
/// cancellation noise of the difference quotient (about 1e-16·|L| / h ≈ 1e-10) and far below the
/// size of any gradient the test means to check.
/// A probe whose one-sided differences disagree sits within h of a kink (a ReLU or max changing its
/// branch), where no difference quotient is the derivative: it is skipped, and at most a quarter of the
/// probes may be.
/// </summary>
public static class GradientCheck
{
    public const double Step = 1e-5;
    public const double Floor = 1e-3;
    public const double MaxRelativeError = 1e-6;
    public const double KinkTolerance = 1e-3;

    public static void Probe(string what, double[] parameter, double[] analytic, Func<double> loss, Random random, int probes = 24)
    {
        NUnit.Framework.Assert.That(analytic, Has.Length.EqualTo(parameter.Length), $"{what}: gradient length");
        var indices = Enumerable.Range(0, probes).Select(_ => random.Next(parameter.Length)).Distinct().ToList();
        var atKinks = 0;
        var centre = loss();
        foreach (var j in indices)
        {
            var saved = parameter[j];
            parameter[j] = saved + Step;
            var plus = loss();
            parameter[j] = saved - Step;
            var minus = loss();
            parameter[j] = saved;
            if (AtKink(centre, plus, minus, Step))
            {
                atKinks++;
                continue;
            }
            var numeric = (plus - minus) / (2 * Step);
            var error = Math.Abs(analytic[j] - numeric) / Math.Max(Math.Max(Math.Abs(analytic[j]), Math.Abs(numeric)), Floor);
            NUnit.Framework.Assert.That(error, Is.LessThanOrEqualTo(MaxRelativeError),
                $"{what}[{j}]: analytic {analytic[j]:g12}, finite difference {numeric:g12}");
        }
        NUnit.Framework.Assert.That(atKinks, Is.LessThanOrEqualTo(indices.Count / 4), $"{what}: probes within h of a kink");
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
