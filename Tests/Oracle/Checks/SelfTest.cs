using System.Diagnostics;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Oracle.Checks;

/// <summary>One row of a self-test: an op's check on one device (or the float64 reference), the paths its plan took there, its worst error and verdict.</summary>
public sealed record SelfTestRow(string Op, string Kind, string Device, string Path, double MaxError, bool Passed, string Detail, double Seconds);

/// <summary>
/// The kernel checks on each device and the reference gradient checks, run once each: what <c>siamese
/// selftest</c> prints and the tests call. A check that throws fails with the exception's message.
/// </summary>
public static class SelfTest
{
    public const string KernelKind = "kernel vs float64 reference";
    public const string GradientKind = "reference backward vs finite differences";
    public const string ReferenceDevice = "float64 (CPU)";

    public static IEnumerable<SelfTestRow> RunKernels(ComputeDevice device, string deviceId, IEnumerable<KernelCheck> checks, Random random)
    {
        foreach (var check in checks)
            yield return Row(check.Op, KernelKind, deviceId, check.PathOn(device), () => check.Run(device, random).ToList<IOutcome>());
    }

    public static IEnumerable<SelfTestRow> RunGradients(IEnumerable<GradientCheckCase> checks, Random random)
    {
        foreach (var check in checks)
            yield return Row(check.Op, GradientKind, ReferenceDevice, "-", () => check.Run(random).ToList<IOutcome>());
    }

    private static SelfTestRow Row(string op, string kind, string device, string path, Func<List<IOutcome>> run)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var outcomes = run();
            var failed = outcomes.Where(o => !o.Passed).ToList();
            var maxError = outcomes.Count == 0 ? 0 : outcomes.Max(o => o.MaxError);
            var detail = failed.Count == 0 ? "" : string.Join("; ", failed.Select(o => o.Message));
            return new SelfTestRow(op, kind, device, path, maxError, failed.Count == 0 && outcomes.Count > 0, detail, clock.Elapsed.TotalSeconds);
        }
        catch (Exception e)
        {
            return new SelfTestRow(op, kind, device, path, double.PositiveInfinity, false, $"{e.GetType().Name}: {e.Message}", clock.Elapsed.TotalSeconds);
        }
    }
}
