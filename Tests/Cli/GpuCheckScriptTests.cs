using System.Diagnostics;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Cli;

/// <summary>
/// scripts/gpu-check.sh, what a GPU machine runs first, run here in its dry mode: every step on PoCL with small
/// sizes, so that it is known to work before a GPU is lent. On a machine without PoCL the dry run is skipped,
/// and fails in CI (CI=true), which installs it.
/// </summary>
public class GpuCheckScriptTests
{
    private static readonly string[] Steps =
    [
        "build", "data", "devices", "devices-json", "usable", "selftest", "layers", "layers-json", "roofline",
        "rates", "rates-json", "train-a", "train-b", "identical",
    ];

    private TempFolder temp = null!;

    [SetUp]
    public void CreateFolder() => temp = new TempFolder();

    [TearDown]
    public void DeleteFolder() => temp.Dispose();

    [Test]
    public void DryRunPassesEveryStepOnPoCL()
    {
        if (!Backends.Usable("opencl:0"))
        {
            const string why = "no usable OpenCL device (PoCL) for the dry run of scripts/gpu-check.sh";
            if (Backends.InCi)
                Assert.Fail($"{why}; CI must run it (is PoCL installed?)");
            Assert.Ignore(why);
        }
        var output = temp["check"];
        var (code, stdout, stderr) = RunScript(["--dry", output], new Dictionary<string, string>());
        Assert.That(code, Is.Zero, stderr);
        var summary = File.ReadAllLines(Path.Combine(output, "summary.txt"));
        Assert.That(summary[1..^1].Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..2]),
            Is.EqualTo(Steps.Select(step => new[] { step, "passed" })));
        Assert.That(summary[^1], Does.StartWith($"gpu-check: all {Steps.Length} steps passed in ").And.Contain(" on opencl (opencl:0 "));
        Assert.That(stdout.TrimEnd().Split('\n')[^1], Is.EqualTo(summary[^1]));
        Assert.That(File.ReadAllText(Path.Combine(output, "layers.txt")), Does.Contain("floor ms"));
        Assert.That(File.ReadAllText(Path.Combine(output, "rates.json")), Does.Contain("\"training\"").And.Contain("\"inference\""));
        var weights = File.ReadAllLines(Path.Combine(output, "identical.txt")).Take(2).Select(line => line[line.IndexOf(':')..]).ToList();
        Assert.That(weights[0], Does.Contain("SHA-256 ").And.EqualTo(weights[1]), "both runs' weights, as identical.txt reports them");
    }

    [Test]
    public void StopsAtTheFirstFailedStepWithItsNameAndExitCodeOne()
    {
        if (Backends.Usable("cuda:0"))
            Assert.Ignore("a CUDA device is usable here, so the check would go on past the device step");
        var output = temp["check"];
        var (code, stdout, stderr) = RunScript([output], new Dictionary<string, string> { ["GPU_CHECK_DEVICE"] = "cuda" });
        Assert.That(code, Is.EqualTo(1));
        var verdict = stderr.TrimEnd().Split('\n')[^1];
        Assert.That(verdict, Does.StartWith("gpu-check: FAILED at step usable (no usable cuda device: see devices.txt) after ")
            .And.EndWith($"; outputs in {output}"));
        Assert.That(stdout, Does.Contain("-- last lines of " + Path.Combine(output, "devices.txt")));
        var summary = File.ReadAllLines(Path.Combine(output, "summary.txt"));
        Assert.That(summary[^2], Does.StartWith("usable").And.Contain("FAILED"));
        Assert.That(summary[^1], Is.EqualTo(verdict));
        Assert.That(File.Exists(Path.Combine(output, "selftest.txt")), Is.False, "no step runs after the failed one");
    }

    [Test]
    public void RefusesAFolderThatIsNotAnEarlierChecksOutput()
    {
        File.WriteAllText(temp["keep.txt"], "not the check's");
        var (code, _, stderr) = RunScript([temp.Path], new Dictionary<string, string>());
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain($"{temp.Path} is not empty and is not the output of an earlier check"));
        Assert.That(File.Exists(temp["keep.txt"]), Is.True);
    }

    private static (int Code, string Out, string Error) RunScript(string[] args, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("/bin/bash", [Path.Combine(Repository.Root(), "scripts", "gpu-check.sh"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("GPU_CHECK_DEVICE");
        // A bundle made with --pack may be older than this checkout: the check builds what is being tested.
        start.Environment["GPU_CHECK_BUNDLE"] = "/nonexistent/gpu-check-bundle.tar.xz";
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var (output, error) = (process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"scripts/gpu-check.sh {string.Join(' ', args)} ran past 10 minutes\n{output.Result}\n{error.Result}");
        }
        TestContext.Out.WriteLine($"scripts/gpu-check.sh {string.Join(' ', args)}: exit {process.ExitCode}\n{output.Result}\n{error.Result}");
        return (process.ExitCode, output.Result, error.Result);
    }
}
