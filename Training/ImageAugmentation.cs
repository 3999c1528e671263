using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Training;

/// <summary>
/// Training-time augmentation of a set of images (<c>train --augment</c>): how far images may change, and the run's seed,
/// which with the epoch and each image's index picks its draws (docs/math.md, Augmentation).
/// </summary>
public sealed record ImageAugmentation(int Seed, AugmentRanges Ranges)
{
    /// <summary>The augmentation a run's options ask for: the default ranges under --augment, none without.</summary>
    public static ImageAugmentation? For(TrainingConfig config) => config.Augment ? new ImageAugmentation(config.Seed, AugmentRanges.Default) : null;
}
