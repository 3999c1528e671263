using System.Globalization;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Training;

/// <summary>
/// Every choice a training run makes; read from the command line or a JSON file, saved in the model.
/// The defaults are the project's default configuration: the flat tower with contrastive loss, five epochs of
/// freshly drawn pairs at a cosine-decayed rate (docs/results.md has the run that chose them).
/// </summary>
public sealed record TrainingConfig
{
    public string Dataset { get; init; } = "mnist";
    /// <summary>How an image folder's images become inputs (null: stretched); other datasets' images are prepared already.</summary>
    public ImagePreparation? Prepare { get; init; }
    public string Preset { get; init; } = TowerSpec.FlatPreset;
    public LossKind Loss { get; init; } = LossKind.Contrastive;
    public int Epochs { get; init; } = 5;
    public int BatchSize { get; init; } = 64;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>"constant", or "cosine": the rate decays to 5% of its start over the run.</summary>
    public string Schedule { get; init; } = "cosine";
    public float Margin { get; init; } = 1f;
    public int Embedding { get; init; } = 48;
    public int? Filters { get; init; }
    public float? Dropout { get; init; }
    public int PairsPerImage { get; init; } = 1;
    /// <summary>New pairs every epoch (true by default): five epochs see 550,000 distinct pairs, not 110,000 five times.</summary>
    public bool RedrawPairs { get; init; } = true;
    /// <summary>A cap on training pairs per epoch, for quick runs.</summary>
    public int? TrainPairs { get; init; }
    /// <summary>A cap on test pairs (the full MNIST test set gives 20,000).</summary>
    public int? TestPairs { get; init; }
    /// <summary>Evaluate this many times per epoch (the last at the epoch's end); the history keeps every point.</summary>
    public int EvaluationsPerEpoch { get; init; } = 1;
    /// <summary>
    /// Augment the training images on the device (rotation, scale, shift, stroke thickness, blur, noise), drawn anew per
    /// image and epoch from <see cref="Seed"/>. Off in files saved before it existed.
    /// </summary>
    public bool Augment { get; init; }
    /// <summary>None: random pairs or triplets. Otherwise balanced batches of <see cref="ClassesPerBatch"/> x <see cref="ImagesPerClass"/> images, mined on the device.</summary>
    public Mining Mining { get; init; } = Mining.None;
    public int ClassesPerBatch { get; init; } = 10;
    public int ImagesPerClass { get; init; } = 8;

    /// <summary>
    /// The learning rate of a mined run that names none: mined batches of 10 × 8 images at 2e-3 reached 0.9944 test-pair
    /// accuracy where 8 × 16 at the pair runs' 1e-3 reached 0.9935 (docs/results.md, "Mining").
    /// </summary>
    public const double MinedLearningRate = 2e-3;
    /// <summary>
    /// Batch-hard triplet mining (hinge or soft margin) trains its first this many steps on batch-all instead. From random
    /// weights an anchor's farthest positive is farther than its nearest negative, so the batch-hard loss falls fastest by
    /// shrinking every distance, and the embeddings collapse to the distance floor, where no gradient flows (FaceNet's
    /// "collapsed model"); batch-all's average over all active triplets spreads the classes first (docs/math.md).
    /// </summary>
    public int MiningWarmup { get; init; } = 100;
    public int Seed { get; init; } = 42;
    public string Device { get; init; } = "auto";

    public NetworkConfig Network() =>
        new(TowerSpec.FromPreset(Preset, Embedding, Filters, Dropout), Loss, Margin, Mining);

    /// <summary>Examples in one step: pairs or triplets, or with mining the images of a balanced batch.</summary>
    public int ExamplesPerStep => Mining == Mining.None ? BatchSize : ClassesPerBatch * ImagesPerClass;

    /// <summary>The learning rate at a step, counting from 1, out of <paramref name="totalSteps"/>.</summary>
    public double LearningRateAt(int step, int totalSteps) => Schedule switch
    {
        "cosine" => LearningRate * (0.05 + 0.95 * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1.0, (double)(step - 1) / Math.Max(1, totalSteps))))),
        _ => LearningRate,
    };

    public const int MaxEpochs = 10_000, MaxBatchSize = 4096, MaxEmbedding = 4096, MaxFilters = 1024, MaxPairsPerImage = 100, MaxEvaluationsPerEpoch = 1000;
    public const double MaxLearningRate = 1, MaxMargin = 100;

    /// <summary>Every option within its range, named with its range when not: a <see cref="UsageException"/>.</summary>
    public void Validate()
    {
        Require(TowerSpec.PresetNames.Contains(Preset), $"unknown preset '{Preset}': use {string.Join(" or ", TowerSpec.PresetNames)}.");
        Require(Enum.IsDefined(Loss), $"unknown loss '{Loss}': use contrastive, bce or triplet.");
        Require(Prepare is null || Enum.IsDefined(Prepare.Value), $"unknown preparation '{Prepare}': use mnist, fit or stretch.");
        Require(Schedule is "constant" or "cosine", $"--schedule must be constant or cosine; got '{Schedule}'.");
        Require(Dataset is { Length: > 0 }, "--dataset must name a dataset.");
        Require(Device is { Length: > 0 }, "--device must name an accelerator.");
        InRange("--epochs", Epochs, 1, MaxEpochs);
        InRange("--batch-size", BatchSize, 2, MaxBatchSize);
        InRange("--lr", LearningRate, double.Epsilon, MaxLearningRate, "a number above 0 and at most 1");
        InRange("--margin", Margin, double.Epsilon, MaxMargin, "a number above 0 and at most 100");
        InRange("--embedding", Embedding, 1, MaxEmbedding);
        if (Filters is { } filters)
            InRange("--filters", filters, 1, MaxFilters);
        if (Dropout is { } dropout)
            InRange("--dropout", dropout, 0, Math.BitDecrement(1.0), "at least 0 and below 1");
        InRange("--pairs-per-image", PairsPerImage, 1, MaxPairsPerImage);
        if (TrainPairs is { } trainPairs)
            InRange("--train-pairs", trainPairs, 2, int.MaxValue);
        if (TestPairs is { } testPairs)
            InRange("--test-pairs", testPairs, 2, int.MaxValue);
        InRange("--evals-per-epoch", EvaluationsPerEpoch, 1, MaxEvaluationsPerEpoch);
        InRange("--seed", Seed, 0, int.MaxValue);
        Require(Enum.IsDefined(Mining), $"unknown mining '{Mining}': use none, batch-hard, semi-hard, batch-all or batch-hard-soft.");
        Require(Mining == Mining.None || Mining.With(Loss) is not null,
            $"--mining {Mining.Name()} does not go with --loss {Loss.ToString().ToLowerInvariant()}: triplet takes batch-hard, semi-hard, batch-all or batch-hard-soft, contrastive batch-hard, bce none.");
        InRange("--classes-per-batch", ClassesPerBatch, 2, MaxBatchSize / 2);
        InRange("--images-per-class", ImagesPerClass, 2, MaxBatchSize / 2);
        InRange("--mining-warmup", MiningWarmup, 0, int.MaxValue);
        Require(ExamplesPerStep <= MaxBatchSize, $"--classes-per-batch x --images-per-class must be at most {MaxBatchSize}; got {ClassesPerBatch * ImagesPerClass}.");
        var images = IndexLimits.ImagesPerPass(Loss, Math.Max(ExamplesPerStep, Trainer.EvaluationBatch));
        var largest = IndexLimits.Largest(Network().Tower, images);
        Require(largest.FitsInt32, $"{largest.What} would hold {largest.Length:N0} numbers, more than a kernel can index ({int.MaxValue:N0}): lower --filters, --embedding or --batch-size.");
    }

    private static void Require(bool ok, string message)
    {
        if (!ok)
            throw new UsageException(message);
    }

    private static void InRange(string option, double value, double min, double max, string? range = null) =>
        Require(value >= min && value <= max,
            string.Create(CultureInfo.InvariantCulture, $"{option} must be {range ?? $"between {min} and {max}"}; got {value}."));
}
