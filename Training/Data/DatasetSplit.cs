namespace IlgpuSiamese.Training.Data;

/// <summary>
/// A dataset's training and test images, with the same class names in both, and how images from outside it are
/// prepared to look like them (recorded in the models trained on it).
/// </summary>
public sealed record DatasetSplit(LabelledImages Train, LabelledImages Test, ImagePreparation Preparation);
