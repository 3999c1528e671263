using System.Globalization;

namespace IlgpuSiamese.Tests.Support;

/// <summary>
/// Where every randomised test gets its seed: one per run, fresh unless the environment variable SIAMESE_TEST_SEED
/// gives it, mixed with the test's full name so that a test draws the same numbers whichever other tests ran. Each test
/// prints the run's seed to its output, which NUnit shows with a failure; SIAMESE_TEST_SEED set to it repeats the run.
/// </summary>
public static class TestSeed
{
    public const string Variable = "SIAMESE_TEST_SEED";

    public static int Run { get; } = FromEnvironment() ?? Environment.TickCount ^ Guid.NewGuid().GetHashCode();

    /// <summary>The running test's seed; its output names the run's seed.</summary>
    public static int ForCurrentTest()
    {
        var name = TestContext.CurrentContext.Test.FullName;
        TestContext.Out.WriteLine($"random seed: {Variable}={Run.ToString(CultureInfo.InvariantCulture)} repeats this test");
        // FNV-1a over the name (string.GetHashCode differs between processes), then the run's seed.
        var hash = 2166136261u;
        foreach (var c in name)
            hash = (hash ^ c) * 16777619u;
        return (int)(hash ^ (uint)Run);
    }

    private static int? FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(text))
            return null;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : throw new InvalidOperationException($"{Variable}={text} is not a 32-bit integer");
    }
}
