using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Network;

/// <summary>
/// How training examples are found. None: the trainer draws pairs or triplets at random. Otherwise it draws balanced
/// batches (P classes x K images) and the loss mines each batch on the device (<see cref="MinedLoss"/>).
/// </summary>
public enum Mining
{
    None,
    BatchHard,
    SemiHard,
    BatchAll,
    /// <summary>Batch-hard triplets with the soft margin softplus(d_ap - d_an) (Hermans et al. 2017); triplet loss only.</summary>
    BatchHardSoft,
}

public static class MiningExtensions
{
    /// <summary>The mined loss of this mining under <paramref name="loss"/>, or null where the pair does not exist (bce; contrastive with semi-hard or batch-all).</summary>
    public static MinedLossKind? With(this Mining mining, LossKind loss) => (loss, mining) switch
    {
        (LossKind.Triplet, Mining.BatchHard) => MinedLossKind.BatchHard,
        (LossKind.Triplet, Mining.SemiHard) => MinedLossKind.SemiHard,
        (LossKind.Triplet, Mining.BatchAll) => MinedLossKind.BatchAll,
        (LossKind.Triplet, Mining.BatchHardSoft) => MinedLossKind.BatchHardSoft,
        (LossKind.Contrastive, Mining.BatchHard) => MinedLossKind.ContrastiveHardest,
        _ => null,
    };

    /// <summary>The option's spelling: none, batch-hard, semi-hard, batch-all, batch-hard-soft.</summary>
    public static string Name(this Mining mining) => mining switch
    {
        Mining.BatchHard => "batch-hard",
        Mining.SemiHard => "semi-hard",
        Mining.BatchAll => "batch-all",
        Mining.BatchHardSoft => "batch-hard-soft",
        _ => "none",
    };
}
