namespace IlgpuSiamese.Training.Data;

/// <summary>A dataset's training and test images, with the same class names in both.</summary>
public sealed record DatasetSplit(LabelledImages Train, LabelledImages Test);
