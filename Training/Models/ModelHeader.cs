using System.Text.Json.Serialization;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Training.Models;

/// <summary>Where training stands, so that --resume continues exactly: the next batch and the partial epoch's sums.</summary>
/// <summary>Where a run stands; with mining, the epoch's mined examples and how many of them had a loss (0 in older files).</summary>
public sealed record TrainingProgress(int EpochsDone, int BatchesDoneInEpoch, int Step, double EpochLossSum, long EpochCorrect, long EpochPairs,
    double EpochMined = 0, double EpochActive = 0);

/// <summary>
/// Everything in a model file besides the numbers: the architecture, the decision rule, how it was
/// trained and on what, and (in checkpoints) how far training got.
/// </summary>
/// <param name="Network">The architecture: tower, head and loss.</param>
/// <param name="ParameterCount">How many numbers follow the header.</param>
/// <param name="Threshold">Pairs with a similarity at or above this are called "same".</param>
/// <param name="DistanceScale">For distance heads: similarity = 1 / (1 + (d / DistanceScale)²), so d = DistanceScale maps to 0.5.</param>
/// <param name="Training">The settings it was trained with.</param>
/// <param name="DatasetName">The dataset it was trained on.</param>
/// <param name="DatasetFingerprint">That dataset's fingerprint, so that --resume refuses another one.</param>
/// <param name="Progress">How far training got.</param>
/// <param name="History">Each finished epoch's figures.</param>
/// <param name="SavedUtc">When it was written.</param>
/// <param name="Preparation">How images from outside become its inputs; absent from files written before it was recorded.</param>
public sealed record ModelHeader(
    NetworkConfig Network,
    int ParameterCount,
    double Threshold,
    double DistanceScale,
    TrainingConfig Training,
    string DatasetName,
    string DatasetFingerprint,
    TrainingProgress Progress,
    IReadOnlyList<EpochRecord> History,
    DateTime SavedUtc,
    ImagePreparation? Preparation = null)
{
    /// <summary>
    /// <see cref="Preparation"/>, or for older files the one their dataset needs: a known dataset's own (MNIST-style
    /// for MNIST), MNIST-style for a folder of IDX files, stretched for an image folder (what its training did).
    /// </summary>
    [JsonIgnore]
    public ImagePreparation InputPreparation => Preparation ?? Datasets.PreparedAs(Training.Dataset) ?? ImagePreparation.Stretch;
}
