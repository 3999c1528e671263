using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Cli.Display;

/// <summary>
/// The one warning of a run that <c>--device auto</c> put on ILGPU's CPU accelerator (no CUDA device, no OpenCL
/// driver): how long this run will take there, and the command that makes it about 20x faster. An explicit
/// <c>--device cpu</c> gets none.
/// </summary>
public static class CpuAcceleratorWarning
{
    /// <summary>
    /// Pairs/s of ILGPU's CPU accelerator on 2 cores, either tower (`siamese bench --device cpu`, 2026-12-03: flat 80 and
    /// 229, keras 79 and 234), assumed to grow with the cores.
    /// </summary>
    private const double TrainPairsPerSecond = 80, InferencePairsPerSecond = 230;

    /// <summary>The warning, or null when the run is not on the CPU accelerator by auto's choice.</summary>
    public static string? For(TrainingConfig config, DeviceKind opened, LabelledImages train, LabelledImages test, int epochsDone)
    {
        if (opened != DeviceKind.Cpu || !DeviceRequest.Parse(config.Device).IsAuto)
            return null;
        var fit = ValidationSplit.FitCount(train);
        var epochs = Math.Max(0, config.Epochs - epochsDone);
        var trainPairs = (long)epochs * Trainer.PairsPerEpoch(config, fit);
        // Each evaluation scores the validation pairs (two per held-out image) and the test pairs (two per test image).
        var evaluatedPairs = (long)epochs * config.EvaluationsPerEpoch * (2 * (train.Count - fit) + Math.Min(2 * test.Count, config.TestPairs ?? int.MaxValue));
        var cores = Environment.ProcessorCount / 2.0;
        var seconds = trainPairs / (TrainPairsPerSecond * cores) + evaluatedPairs / (InferencePairsPerSecond * cores);
        return $"Warning: no CUDA or OpenCL device found, so this run trains on ILGPU's CPU accelerator, about " +
               $"{TrainPairsPerSecond * cores:0} pairs/s: {trainPairs:N0} pairs will take about {Duration(seconds)}. " +
               "scripts/install-opencl.sh installs PoCL (OpenCL on the CPU), about 20x faster.";
    }

    private static string Duration(double seconds) => seconds switch
    {
        < 90 => $"{seconds:0} s",
        < 5400 => $"{seconds / 60:0} minutes",
        _ => $"{seconds / 3600:0.0} hours",
    };
}
