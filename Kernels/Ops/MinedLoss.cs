using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>Which examples a batch of labelled embeddings is mined for, and the loss on them.</summary>
public enum MinedLossKind
{
    /// <summary>Triplet loss, one triplet per anchor: its farthest positive and its nearest negative.</summary>
    BatchHard,

    /// <summary>
    /// Triplet loss, one triplet per (anchor, positive): the nearest negative farther than the positive (FaceNet's
    /// semi-hard), or where none is, the farthest negative.
    /// </summary>
    SemiHard,

    /// <summary>Triplet loss over every (anchor, positive, negative), averaged over the active ones (Hermans et al.'s BA+).</summary>
    BatchAll,

    /// <summary>
    /// Batch-hard with Hermans et al.'s soft margin: softplus(d_ap - d_an) = log(1 + exp(d_ap - d_an)) on the same triplet,
    /// no margin; active where the triplet is out of order (d_ap ≥ d_an).
    /// </summary>
    BatchHardSoft,

    /// <summary>Contrastive loss on two pairs per anchor: its farthest positive and its nearest negative.</summary>
    ContrastiveHardest,
}

/// <summary>e: (B, F)  labels: (B)  squared distances, weights: (B, B)  loss: (B); m the margin.</summary>
public readonly struct MinedLossShape(int batch, int features, float margin, MinedLossKind kind)
{
    public readonly int Batch = batch;
    public readonly int Features = features;
    public readonly float Margin = margin;
    public readonly MinedLossKind Kind = kind;

    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int InputLength => Batch * Features;

    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int MatrixLength => Batch * Batch;
}

/// <summary>
/// Online mining: a batch of B labelled embeddings (P classes x K images) is its own source of examples. With
/// S[i,j] the squared distance and D[i,j] = sqrt(max(S[i,j], floor)) as in <see cref="EuclideanDistance"/>:
/// <list type="number">
/// <item>EuclideanDistanceKernels.PairwiseSquaredDistances: S, one item per (i, j).</item>
/// <item>MinedSelect: one item per anchor i picks its examples (see <see cref="MinedLossKind"/>) and writes row i of
///   the weights W[i,j] = ∂(Σ of anchor i's losses)/∂D[i,j], its summed loss, its example count and its active count.
///   Ties go to the lowest index: the loops run in index order and only a strictly better candidate replaces one.</item>
/// <item>MinedNormalize: one item sums the counts in index order; the loss is the mean over the examples (over the
///   active ones for batch-all) and scale = 1/that count; loss[i] = B·scale·anchorLoss[i], so mean(loss) is the batch loss.</item>
/// <item>MinedBackward: dE[i,k] = scale Σ_j (W[i,j] + W[j,i]) (e[i,k] - e[j,k]) / D[i,j], j in index order; 0 where S is
///   under the floor. Each (i, k) is owned by one item: no atomics, bit-for-bit repeatable.</item>
/// </list>
/// The selection is piecewise constant in e, so the gradient flows through the chosen distances only.
/// Gradient rule: dEmbeddings is an activation gradient, assigned (=).
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static class MinedLossKernels
{
    private static float Distance(ArrayView<float> squared, int i, int j, int batch) => EuclideanDistanceKernels.FromSquared(squared[i * batch + j]);

    // One triplet (i, p, n) of anchor i's row: counted; where its hinge is positive, in the loss, the active count and the weights.
    private static void AddTriplet(ArrayView<float> weights, int row, int p, int n, float hinge, ref float loss, ref float count, ref float activeCount)
    {
        count += 1f;
        if (!(hinge > 0f))
            return;
        loss += hinge;
        activeCount += 1f;
        weights[row + p] += 1f;
        weights[row + n] -= 1f;
    }

    private static bool IsPositive(ArrayView<float> labels, int anchor, int j) => j != anchor && labels[j] == labels[anchor];

    /// <summary>The anchor's farthest positive, or -1.</summary>
    private static int FarthestPositive(ArrayView<float> squared, ArrayView<float> labels, int anchor, int batch)
    {
        var best = -1;
        var bestDistance = 0f;
        for (var j = 0; j < batch; j++)
        {
            var d = Distance(squared, anchor, j, batch);
            if (IsPositive(labels, anchor, j) && (best < 0 || d > bestDistance))
                (best, bestDistance) = (j, d);
        }
        return best;
    }

    /// <summary>The anchor's nearest negative farther than <paramref name="beyond"/> (-1: any), or -1.</summary>
    private static int NearestNegative(ArrayView<float> squared, ArrayView<float> labels, int anchor, int batch, float beyond)
    {
        var best = -1;
        var bestDistance = 0f;
        for (var j = 0; j < batch; j++)
        {
            var d = Distance(squared, anchor, j, batch);
            if (labels[j] != labels[anchor] && d > beyond && (best < 0 || d < bestDistance))
                (best, bestDistance) = (j, d);
        }
        return best;
    }

    /// <summary>The anchor's farthest negative, or -1.</summary>
    private static int FarthestNegative(ArrayView<float> squared, ArrayView<float> labels, int anchor, int batch)
    {
        var best = -1;
        var bestDistance = 0f;
        for (var j = 0; j < batch; j++)
        {
            var d = Distance(squared, anchor, j, batch);
            if (labels[j] != labels[anchor] && (best < 0 || d > bestDistance))
                (best, bestDistance) = (j, d);
        }
        return best;
    }

    // squared: (B, B)  labels: (B)  weights: (B, B)  anchorLoss, examples, active: (B)
    public static void MinedSelect(ArrayView<float> weights, ArrayView<float> anchorLoss, ArrayView<float> examples, ArrayView<float> active,
        ArrayView<float> squared, ArrayView<float> labels, MinedLossShape s)
    {
        for (var i = GridStride.Start; i < s.Batch; i += GridStride.Step)
        {
            var row = i * s.Batch;
            for (var j = 0; j < s.Batch; j++)
                weights[row + j] = 0f;
            var loss = 0f;
            var count = 0f;
            var activeCount = 0f;
            if (s.Kind == MinedLossKind.BatchHard || s.Kind == MinedLossKind.BatchHardSoft || s.Kind == MinedLossKind.ContrastiveHardest)
            {
                var p = FarthestPositive(squared, labels, i, s.Batch);
                var n = NearestNegative(squared, labels, i, s.Batch, -1f);
                if (p >= 0 && n >= 0)
                {
                    var (dp, dn) = (Distance(squared, i, p, s.Batch), Distance(squared, i, n, s.Batch));
                    if (s.Kind == MinedLossKind.BatchHard)
                    {
                        var hinge = dp - dn + s.Margin;
                        count = 1f;
                        if (hinge > 0f)
                        {
                            (loss, activeCount) = (hinge, 1f);
                            weights[row + p] = 1f;
                            weights[row + n] = -1f;
                        }
                    }
                    else if (s.Kind == MinedLossKind.BatchHardSoft)
                    {
                        // softplus(x) = max(x, 0) + log(1 + e^-|x|); its slope sigmoid(x) from the same e in (0, 1].
                        var x = dp - dn;
                        var e = XMath.Exp(-XMath.Abs(x));
                        var slope = x >= 0f ? 1f / (1f + e) : e / (1f + e);
                        (loss, count) = (Clamp.AtLeast(x, 0f) + XMath.Log(1f + e), 1f);
                        activeCount = x >= 0f ? 1f : 0f;
                        weights[row + p] = slope;
                        weights[row + n] = -slope;
                    }
                    else
                    {
                        // Two pairs: y·d² + (1-y)·max(m - d, 0)² each.
                        var gap = Clamp.AtLeast(s.Margin - dn, 0f);
                        (loss, count) = (dp * dp + gap * gap, 2f);
                        activeCount = gap > 0f ? 1f : 0f;
                        weights[row + p] = 2f * dp;
                        weights[row + n] = -2f * gap;
                    }
                }
            }
            else
            {
                for (var p = 0; p < s.Batch; p++)
                {
                    if (!IsPositive(labels, i, p))
                        continue;
                    var dp = Distance(squared, i, p, s.Batch);
                    if (s.Kind == MinedLossKind.SemiHard)
                    {
                        var n = NearestNegative(squared, labels, i, s.Batch, dp);
                        if (n < 0)
                            n = FarthestNegative(squared, labels, i, s.Batch);
                        if (n < 0)
                            continue;
                        AddTriplet(weights, row, p, n, dp - Distance(squared, i, n, s.Batch) + s.Margin, ref loss, ref count, ref activeCount);
                    }
                    else
                    {
                        for (var n = 0; n < s.Batch; n++)
                        {
                            if (labels[n] == labels[i])
                                continue;
                            AddTriplet(weights, row, p, n, dp - Distance(squared, i, n, s.Batch) + s.Margin, ref loss, ref count, ref activeCount);
                        }
                    }
                }
            }
            anchorLoss[i] = loss;
            examples[i] = count;
            active[i] = activeCount;
        }
    }

    // anchorLoss, examples, active: (B)  scale: (1)  loss: (B)
    public static void MinedNormalize(ArrayView<float> scale, ArrayView<float> loss, ArrayView<float> anchorLoss, ArrayView<float> examples,
        ArrayView<float> active, MinedLossShape s)
    {
        for (var item = GridStride.Start; item < 1; item += GridStride.Step)
        {
            var total = 0f;
            for (var i = 0; i < s.Batch; i++)
                total += s.Kind == MinedLossKind.BatchAll ? active[i] : examples[i];
            var factor = 1f / Clamp.AtLeast(total, 1f);
            scale[0] = factor;
            for (var i = 0; i < s.Batch; i++)
                loss[i] = s.Batch * factor * anchorLoss[i];
        }
    }

    // weights, squared: (B, B)  scale: (1)  e: (B, F)  dE: (B, F)
    public static void MinedBackward(ArrayView<float> dEmbeddings, ArrayView<float> weights, ArrayView<float> squared, ArrayView<float> scale,
        ArrayView<float> embeddings, MinedLossShape s)
    {
        for (var index = GridStride.Start; index < s.InputLength; index += GridStride.Step)
        {
            var (i, k) = (index / s.Features, index % s.Features);
            var sum = 0f;
            for (var j = 0; j < s.Batch; j++)
            {
                var w = weights[i * s.Batch + j] + weights[j * s.Batch + i];
                if (w != 0f && squared[i * s.Batch + j] >= EuclideanDistanceKernels.SquaredDistanceFloor)
                    sum += w * (embeddings[index] - embeddings[j * s.Features + k]) / Distance(squared, i, j, s.Batch);
            }
            dEmbeddings[index] = scale[0] * sum;
        }
    }
}
// Stryker restore all

/// <summary>
/// The mined losses on one device, with the batch's buffers: squared distances and weights (B x B), per-anchor loss,
/// example and active counts, and the scale. <see cref="Forward"/> keeps them for <see cref="Backward"/>.
/// </summary>
public sealed class MinedLoss : IDisposable
{
    private readonly ComputeDevice device;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> squared, weights, anchorLoss, examples, active, scale;

    public MinedLoss(ComputeDevice device, int maxBatch)
    {
        this.device = device;
        squared = device.Allocate((long)maxBatch * maxBatch);
        weights = device.Allocate((long)maxBatch * maxBatch);
        anchorLoss = device.Allocate(maxBatch);
        examples = device.Allocate(maxBatch);
        active = device.Allocate(maxBatch);
        scale = device.Allocate(1);
    }

    public ArrayView<float> SquaredDistances(MinedLossShape s) => squared.View.SubView(0, s.MatrixLength);

    public ArrayView<float> Weights(MinedLossShape s) => weights.View.SubView(0, s.MatrixLength);

    /// <summary>Per anchor: how many examples it was given (triplets; pairs for contrastive) and how many had a loss.</summary>
    public ArrayView<float> Examples(MinedLossShape s) => examples.View.SubView(0, s.Batch);

    public ArrayView<float> Active(MinedLossShape s) => active.View.SubView(0, s.Batch);

    private ArrayView<float> AnchorLoss(MinedLossShape s) => anchorLoss.View.SubView(0, s.Batch);

    private ArrayView<float> Scale => scale.View;

    // e: (B, F)  labels: (B)  loss: (B)
    public void Forward(ArrayView<float> loss, ArrayView<float> embeddings, ArrayView<float> labels, MinedLossShape s)
    {
        device.Run(EuclideanDistanceKernels.PairwiseSquaredDistances, device.Launch(s.MatrixLength), SquaredDistances(s), embeddings, s.Batch, s.Features);
        device.Run(MinedLossKernels.MinedSelect, device.Launch(s.Batch), Weights(s), AnchorLoss(s), Examples(s), Active(s),
            SquaredDistances(s), labels, s);
        device.Run(MinedLossKernels.MinedNormalize, device.Launch(1), Scale, loss, AnchorLoss(s), Examples(s), Active(s), s);
    }

    // e, dE: (B, F), after Forward on the same e
    public void Backward(ArrayView<float> dEmbeddings, ArrayView<float> embeddings, MinedLossShape s) =>
        device.Run(MinedLossKernels.MinedBackward, device.Launch(s.InputLength), dEmbeddings, Weights(s), SquaredDistances(s), Scale, embeddings, s);

    public void Dispose()
    {
        foreach (var buffer in new[] { squared, weights, anchorLoss, examples, active, scale })
            buffer.Dispose();
    }
}
