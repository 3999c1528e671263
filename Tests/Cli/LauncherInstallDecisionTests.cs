using System.Diagnostics;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Cli;

/// <summary>
/// The ./siamese launcher's first-run decision (scripts/first-run.sh): install PoCL once when no OpenCL device is
/// there and apt-get can run as root. Run with stand-in clinfo, apt-get, id, sudo and nvidia-smi as the only
/// commands on PATH, so nothing is installed for real.
/// </summary>
public class LauncherInstallDecisionTests
{
    private TempFolder temp = null!;

    [SetUp]
    public void CreateFolder()
    {
        temp = new TempFolder();
        Directory.CreateDirectory(temp["bin"]);
        Directory.CreateDirectory(temp["vendors"]);
    }

    [TearDown]
    public void DeleteFolder() => temp.Dispose();

    private string Marker => temp["cache/ilgpu-siamese/pocl-install-tried"];

    /// <summary>A stand-in command on the fake PATH: a shell script with this body.</summary>
    private void StandIn(string name, string body)
    {
        var path = temp[Path.Combine("bin", name)];
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>A fresh Debian machine as root: apt-get, no OpenCL device.</summary>
    private void FreshMachine(string uid = "0")
    {
        StandIn("apt-get", $"echo \"$@\" >> {temp["apt-get.log"]}");
        StandIn("id", $"echo {uid}");
        StandIn("clinfo", "echo 'Platform #0: none'");
    }

    /// <summary>Runs a function of scripts/first-run.sh in bash with the fake PATH; its stdout and stderr.</summary>
    private (string Out, string Error) Run(string function, params string[] args)
    {
        var script = Path.Combine(Repository.Root(), "scripts", "first-run.sh");
        var start = new ProcessStartInfo("/bin/bash", ["-c", $"set -euo pipefail; source '{script}'; {function} \"$@\"", "bash", .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["PATH"] = temp["bin"];
        start.Environment["OCL_ICD_VENDORS"] = temp["vendors"];
        start.Environment["XDG_CACHE_HOME"] = temp["cache"];
        using var process = Process.Start(start)!;
        var (output, error) = (process.StandardOutput.ReadToEnd(), process.StandardError.ReadToEnd());
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"{function} {string.Join(' ', args)}: {error}");
        return (output.Trim(), error.Trim());
    }

    private string Decision(params string[] args) => Run("pocl_install_decision", [Marker, .. args]).Out;

    [TestCase("train")]
    [TestCase("compare", "a.png", "b.png", "--device", "auto")]
    [TestCase("evaluate", "--device=auto")]
    [TestCase("devices")]
    [TestCase("serve", "--port", "0")]
    public void AFreshRootMachineInstalls(params string[] args)
    {
        FreshMachine();
        Assert.That(Decision(args), Is.EqualTo("install"));
    }

    [Test]
    public void WithoutClinfoNoRegisteredDriverMeansNoDevice()
    {
        FreshMachine();
        File.Delete(temp["bin/clinfo"]);
        Assert.That(Decision("train"), Is.EqualTo("install"));
        File.WriteAllText(temp["vendors/pocl.icd"], "libpocl.so.2");
        Assert.That(Decision("train"), Is.EqualTo("an OpenCL device is there"));
    }

    [Test]
    public void AListedOpenClDeviceOrACudaGpuIsEnough()
    {
        FreshMachine();
        StandIn("nvidia-smi", "exit 0");
        Assert.That(Decision("train"), Is.EqualTo("a CUDA GPU is there"));
        StandIn("clinfo", "echo 'Platform #0: Portable Computing Language'; echo ' `-- Device #0: cpu'");
        Assert.That(Decision("train"), Is.EqualTo("an OpenCL device is there"));
    }

    [TestCase(0, "install")]
    [TestCase(1, "no apt-get, or neither root nor sudo without a password")]
    public void ANonRootUserInstallsOnlyWithSudoWithoutAPassword(int sudoExit, string expected)
    {
        FreshMachine(uid: "1000");
        StandIn("sudo", $"[ \"$1\" = -n ] || exit 99\nexit {sudoExit}");
        Assert.That(Decision("train"), Is.EqualTo(expected));
    }

    [Test]
    public void ANonRootUserWithoutSudoOrAMachineWithoutAptGetDoesNot()
    {
        FreshMachine(uid: "1000");
        Assert.That(Decision("train"), Is.EqualTo("no apt-get, or neither root nor sudo without a password"));
        FreshMachine();
        File.Delete(temp["bin/apt-get"]);
        Assert.That(Decision("train"), Is.EqualTo("no apt-get, or neither root nor sudo without a password"));
    }

    [TestCase("no accelerator needed for 'data'", "data", "fetch", "mnist")]
    [TestCase("no accelerator needed for '--help'", "--help")]
    [TestCase("help only", "train", "--help")]
    [TestCase("--device cpu chosen", "train", "--device", "cpu")]
    [TestCase("--device opencl:1 chosen", "compare", "--device=opencl:1", "a.png", "b.png")]
    public void CommandsThatNeedNoAutoAcceleratorDoNot(string expected, params string[] args)
    {
        FreshMachine();
        Assert.That(Decision(args), Is.EqualTo(expected));
    }

    [Test]
    public void TheLauncherInstallsOnceAndSaysSoInOneLine()
    {
        FreshMachine();
        StandIn("mkdir", "exec /bin/mkdir \"$@\"");
        var root = Directory.CreateDirectory(temp["root/scripts"]).Parent!.FullName;
        File.WriteAllText(temp["root/scripts/install-opencl.sh"], $"#!/bin/sh\necho run >> {temp["installs.log"]}\n");
        File.SetUnixFileMode(temp["root/scripts/install-opencl.sh"], UnixFileMode.UserRead | UnixFileMode.UserExecute);

        var first = Run("install_pocl_if_needed", root, "train");
        var second = Run("install_pocl_if_needed", root, "train");

        Assert.That(File.ReadAllLines(temp["installs.log"]), Has.Length.EqualTo(1), "scripts/install-opencl.sh ran once");
        Assert.That(first.Error.Split('\n'), Has.Length.EqualTo(1).And.One.StartsWith("No OpenCL device: installing PoCL"));
        Assert.That((first.Out, second.Out, second.Error), Is.EqualTo(("", "", "")));
        Assert.That(File.Exists(Marker));
    }
}
