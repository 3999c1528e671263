namespace IlgpuSiamese.Network;

/// <summary>
/// How a network is trained. Bce: distance → Dense(1) → sigmoid → binary cross-entropy (the original).
/// Contrastive: on the distance with a margin. Triplet: on (anchor, positive, negative) embeddings.
/// </summary>
public enum LossKind
{
    Bce,
    Contrastive,
    Triplet,
}

public static class LossKindExtensions
{
    /// <summary>Images in one training example of this loss: a pair, or a triplet (anchor, positive, negative).</summary>
    public static int ImagesPerExample(this LossKind loss) => loss == LossKind.Triplet ? 3 : 2;
}

/// <summary>Everything that fixes a network's shape and loss; saved in the model file (files from before mining read as none).</summary>
public sealed record NetworkConfig(TowerSpec Tower, LossKind Loss, float Margin, Mining Mining = Mining.None);
