using IlgpuSiamese.Oracle.Checks;

namespace IlgpuSiamese.Tests.Support;

/// <summary>
/// Central finite differences in float64 (tiny-dnn's gradient_check), as NUnit assertions: the probes, their
/// relative error and the kink rule are the oracle's <see cref="FiniteDifferences"/>, which
/// <c>siamese selftest</c> runs too. A probe that misses is skipped only at a kink, where its analytic value is a
/// one-sided derivative; at most a quarter may be.
/// </summary>
public static class GradientCheck
{
    public const double Step = FiniteDifferences.Step;
    public const double Floor = FiniteDifferences.Floor;
    public const double MaxRelativeError = FiniteDifferences.MaxRelativeError;

    public static void Probe(string what, double[] parameter, double[] analytic, Func<double> loss, Random random, int probes = 24)
    {
        NUnit.Framework.Assert.That(analytic, Has.Length.EqualTo(parameter.Length), $"{what}: gradient length");
        Close.That(FiniteDifferences.Probe(what, parameter, analytic, loss, random, probes));
    }

    /// <summary>Whether a probe that missed sits within h of a kink with its analytic value a one-sided derivative there.</summary>
    public static bool AtKink(Func<double, double> lossAt, double analytic, double tolerance) =>
        FiniteDifferences.AtKink(lossAt, analytic, tolerance);

    /// <summary>The scalar Σ dOut·y that turns a vector-valued forward into a loss for the probes.</summary>
    public static double Dot(double[] a, double[] b) => FiniteDifferences.Dot(a, b);
}
