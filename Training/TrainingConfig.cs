using IlgpuSiamese.Network;

namespace IlgpuSiamese.Training;

/// <summary>
/// Every choice a training run makes; read from the command line or a JSON file, saved in the model.
/// The defaults are the project's default configuration (the flat tower with contrastive loss).
/// </summary>
public sealed record TrainingConfig
{
    public string Dataset { get; init; } = "mnist";
    public string Preset { get; init; } = TowerSpec.FlatPreset;
    public LossKind Loss { get; init; } = LossKind.Contrastive;
    public int Epochs { get; init; } = 3;
    public int BatchSize { get; init; } = 64;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>"constant", or "cosine": the rate decays to 5% of its start over the run.</summary>
    public string Schedule { get; init; } = "constant";
    public float Margin { get; init; } = 1f;
    public int Embedding { get; init; } = 48;
    public int? Filters { get; init; }
    public float? Dropout { get; init; }
    public int PairsPerImage { get; init; } = 1;
    public bool RedrawPairs { get; init; }
    /// <summary>A cap on training pairs per epoch, for quick runs.</summary>
    public int? TrainPairs { get; init; }
    /// <summary>A cap on test pairs (the full MNIST test set gives 20,000).</summary>
    public int? TestPairs { get; init; }
    /// <summary>Evaluate this many times per epoch (the last at the epoch's end); the history keeps every point.</summary>
    public int EvaluationsPerEpoch { get; init; } = 1;
    public int Seed { get; init; } = 42;
    public string Device { get; init; } = "auto";

    public NetworkConfig Network() =>
        new(TowerSpec.FromPreset(Preset, Embedding, Filters, Dropout), Loss, Margin);

    /// <summary>The learning rate at a step, counting from 1, out of <paramref name="totalSteps"/>.</summary>
    public double LearningRateAt(int step, int totalSteps) => Schedule switch
    {
        "cosine" => LearningRate * (0.05 + 0.95 * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1.0, (double)(step - 1) / Math.Max(1, totalSteps))))),
        _ => LearningRate,
    };

    public void Validate()
    {
        static void Require(bool ok, string message)
        {
            if (!ok)
                throw new UserInputException(message);
        }
        Require(TowerSpec.PresetNames.Contains(Preset), $"unknown preset '{Preset}': use {string.Join(" or ", TowerSpec.PresetNames)}.");
        Require(Epochs >= 1, "--epochs must be at least 1.");
        Require(BatchSize is >= 2 and <= 4096, "--batch-size must be between 2 and 4096.");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), "--lr must be a positive number.");
        Require(Margin > 0 && float.IsFinite(Margin), "--margin must be a positive number.");
        Require(Embedding >= 1, "--embedding must be at least 1.");
        Require(Schedule is "constant" or "cosine", "--schedule must be constant or cosine.");
        Require(PairsPerImage >= 1, "--pairs-per-image must be at least 1.");
        Require(TrainPairs is null or >= 2, "--train-pairs must be at least 2.");
        Require(TestPairs is null or >= 2, "--test-pairs must be at least 2.");
        Require(EvaluationsPerEpoch >= 1, "--evals-per-epoch must be at least 1.");
    }
}
