using IlgpuSiamese.Cli.Display;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Tests.Cli;

/// <summary>One warning, with this run's time and the command that speeds it up, when auto lands on ILGPU's CPU accelerator.</summary>
public class CpuAcceleratorWarningTests
{
    // 10 classes of 120 training images: every 12th held out leaves 1,100 to fit, 2,200 pairs an epoch.
    private static readonly LabelledImages Train = Images(1200), Test = Images(200);

    private static LabelledImages Images(int count) =>
        new("digits", 28, 28, new byte[count * 28 * 28], Enumerable.Range(0, count).Select(i => i % 10).ToArray(), Enumerable.Range(0, 10).Select(c => $"{c}").ToList());

    [Test]
    public void AutoOnTheCpuAcceleratorGivesThisRunsTimeAndTheCommandThatSpeedsItUp()
    {
        var warning = CpuAcceleratorWarning.For(new TrainingConfig { Epochs = 3 }, DeviceKind.Cpu, Train, Test, epochsDone: 1);

        Assert.That(warning, Does.Contain("4,400 pairs will take about").And.Contain("scripts/install-opencl.sh"), "two epochs left of 2,200 pairs");
    }

    [TestCase("cpu", DeviceKind.Cpu)]
    [TestCase("cpu:0", DeviceKind.Cpu)]
    [TestCase("auto", DeviceKind.OpenCL)]
    [TestCase("auto", DeviceKind.Cuda)]
    public void AnExplicitCpuOrAnotherAcceleratorGetsNone(string device, DeviceKind opened) =>
        Assert.That(CpuAcceleratorWarning.For(new TrainingConfig { Device = device }, opened, Train, Test, epochsDone: 0), Is.Null);
}
