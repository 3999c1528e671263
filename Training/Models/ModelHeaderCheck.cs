using IlgpuSiamese.Kernels;
using IlgpuSiamese.Network;

namespace IlgpuSiamese.Training.Models;

/// <summary>
/// A header read from a model file, checked field by field: a file that passes its checksum can still
/// hold null, missing or out-of-range fields. Each problem is refused with a message that names the file.
/// </summary>
public static class ModelHeaderCheck
{
    public const int MaxSide = 4096, MaxChannels = 4, MaxLayers = 64, MaxKernel = 15, MaxUnits = 65_536;

    public static void Validate(ModelHeader header, string path)
    {
        void Require(bool ok, string problem)
        {
            if (!ok)
                throw new UserInputException($"{path}: the model header {problem}.");
        }

        Require(header.Network is not null, "has no network");
        var network = header.Network!;
        Require(Enum.IsDefined(network.Loss), $"names an unknown loss ({(int)network.Loss})");
        Require(network.Margin > 0, $"has margin {network.Margin}; it must be positive");
        ValidateTower(network.Tower, Require);
        Require(header.ParameterCount > 0, $"has {header.ParameterCount} parameters; it must be positive");
        // A similarity threshold; PairMetrics.BestThreshold may put it 1e-6 above the top score.
        Require(header.Threshold is >= 0 and <= 1 + 1e-6, $"has threshold {header.Threshold}; it must lie in 0..1");
        Require(header.DistanceScale > 0, $"has distance scale {header.DistanceScale}; it must be positive");
        Require(header.Training is not null, "has no training config");
        try
        {
            header.Training!.Validate();
        }
        catch (UsageException e)
        {
            Require(false, $"has an invalid training config: {e.Message.TrimEnd('.')}");
        }
        Require(header.DatasetName is not null, "has no dataset name");
        Require(header.DatasetFingerprint is not null, "has no dataset fingerprint");
        var progress = header.Progress;
        Require(progress is not null, "has no training progress");
        Require(progress!.EpochsDone >= 0 && progress.BatchesDoneInEpoch >= 0 && progress.Step >= 0 && progress.EpochCorrect >= 0 && progress.EpochPairs >= 0
                && progress.EpochLossSum >= 0, "has negative training progress");
        Require(header.History is not null && header.History.All(record => record is not null), "has no history or an empty history entry");
    }

    private static void ValidateTower(TowerSpec? tower, Action<bool, string> require)
    {
        require(tower is not null, "has no tower");
        var input = tower!.Input;
        require(input.Channels is >= 1 and <= MaxChannels && input.Height is >= 1 and <= MaxSide && input.Width is >= 1 and <= MaxSide,
            $"has input shape {input}; it must be 1..{MaxChannels} channels of 1..{MaxSide} x 1..{MaxSide}");
        require(tower.Layers is { Count: >= 1 and <= MaxLayers }, $"must list 1..{MaxLayers} layers");
        var shape = input;
        for (var i = 0; i < tower.Layers.Count; i++)
        {
            var layer = tower.Layers[i];
            var problem = layer switch
            {
                null => "is empty",
                ConvSpec { Filters: < 1 or > MaxUnits } c => $"has {c.Filters} filters (1..{MaxUnits})",
                ConvSpec { Kernel: < 1 or > MaxKernel } c => $"has kernel {c.Kernel} (1..{MaxKernel})",
                DropoutSpec { Rate: var rate } when !(rate >= 0 && rate < 1) => $"has dropout rate {rate} (at least 0, below 1)",
                DenseSpec { Units: < 1 or > MaxUnits } d => $"has {d.Units} units (1..{MaxUnits})",
                _ => null,
            };
            require(problem is null, $"layer {i + 1} {problem}");
            var output = IndexLimits.OutputShape(layer!, shape);
            require(output is not null, $"layer {i + 1} cannot take a {shape} input");
            shape = output!.Value;
        }
    }
}
