using IlgpuSiamese.Oracle.Checks;

namespace IlgpuSiamese.Tests.Support;

/// <summary>
/// Central finite differences in float64 (tiny-dnn's gradient_check), as NUnit assertions: the probes, their
/// relative error and the kink handling are the oracle's <see cref="FiniteDifferences"/>, which
/// <c>siamese selftest</c> runs too. A probe within h of a kink is skipped; at most a quarter may be.
/// </summary>
public static class GradientCheck
{
    public const double Step = FiniteDifferences.Step;
    public const double Floor = FiniteDifferences.Floor;
    public const double MaxRelativeError = FiniteDifferences.MaxRelativeError;
    public const double KinkTolerance = FiniteDifferences.KinkTolerance;

    public static void Probe(string what, double[] parameter, double[] analytic, Func<double> loss, Random random, int probes = 24)
    {
        NUnit.Framework.Assert.That(analytic, Has.Length.EqualTo(parameter.Length), $"{what}: gradient length");
        Close.That(FiniteDifferences.Probe(what, parameter, analytic, loss, random, probes));
    }

    /// <summary>Whether L is not smooth within ±h of the probe: its one-sided difference quotients disagree.</summary>
    public static bool AtKink(double centre, double plus, double minus, double h) => FiniteDifferences.AtKink(centre, plus, minus, h);

    /// <summary>The scalar Σ dOut·y that turns a vector-valued forward into a loss for the probes.</summary>
    public static double Dot(double[] a, double[] b) => FiniteDifferences.Dot(a, b);
}
