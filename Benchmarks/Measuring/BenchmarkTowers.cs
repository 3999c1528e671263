using IlgpuSiamese.Network;
using IlgpuSiamese.Training;

namespace IlgpuSiamese.Measuring;

/// <summary>
/// The two towers every benchmark measures, each with the loss it is trained with:
/// <c>keras</c>, the original network (conv 2×2×64 → pool → dropout 0.3, twice, global average pooling,
/// dense 48; distance → Dense(1) → sigmoid, BCE), and <c>flat</c>, the default (conv 3×3×32 → pool →
/// conv 3×3×64 → pool → dense 128 → dense 48; contrastive loss, margin 1). Adam, learning rate 1e-3.
/// </summary>
public static class BenchmarkTowers
{
    public const double LearningRate = 1e-3;
    public const float Margin = 1f;

    public static IReadOnlyList<string> All => [TowerSpec.KerasPreset, TowerSpec.FlatPreset];

    /// <summary>"keras", "flat", or "both".</summary>
    public static IReadOnlyList<string> Parse(string towers) => towers.Trim().ToLowerInvariant() switch
    {
        "both" or "all" => All,
        TowerSpec.KerasPreset => [TowerSpec.KerasPreset],
        TowerSpec.FlatPreset => [TowerSpec.FlatPreset],
        _ => throw new UserInputException($"unknown tower '{towers}': use flat, keras or both."),
    };

    public static LossKind LossOf(string tower) => tower == TowerSpec.KerasPreset ? LossKind.Bce : LossKind.Contrastive;

    /// <summary>The training configuration of a tower: the CLI's defaults with the tower's preset and loss.</summary>
    public static TrainingConfig Training(string tower, int batch) => new()
    {
        Preset = Parse(tower)[0],
        Loss = LossOf(tower),
        Margin = Margin,
        LearningRate = LearningRate,
        BatchSize = batch,
    };

    public static NetworkConfig Network(string tower) => Training(tower, 64).Network();

    /// <summary>The tower trained as <c>train --loss triplet --mining batch-hard</c> trains it, on P x K images a step.</summary>
    public static NetworkConfig Mined(string tower, int classesPerBatch, int imagesPerClass) => (Training(tower, 64) with
    {
        Loss = LossKind.Triplet,
        Mining = IlgpuSiamese.Network.Mining.BatchHard,
        ClassesPerBatch = classesPerBatch,
        ImagesPerClass = imagesPerClass,
    }).Network();
}
