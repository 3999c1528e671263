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

/// <summary>Everything that fixes a network's shape and loss; saved in the model file.</summary>
public sealed record NetworkConfig(TowerSpec Tower, LossKind Loss, float Margin);
