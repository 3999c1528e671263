namespace IlgpuSiamese;

/// <summary>What a model says of two images.</summary>
/// <param name="Similarity">From 0 (different) to 1 (the same).</param>
/// <param name="Same">Whether <paramref name="Similarity"/> reaches <paramref name="Threshold"/>.</param>
/// <param name="Threshold">The model's decision threshold, chosen on held-out pairs when it was trained.</param>
public readonly record struct Comparison(float Similarity, bool Same, double Threshold);
