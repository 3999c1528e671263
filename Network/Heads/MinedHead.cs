using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Network.Heads;

/// <summary>
/// A loss mined from a batch of labelled images (<see cref="MinedLoss"/>): a training example is one image, its label
/// its class, and the loss written per image is its share as anchor. Pairs are scored by distance, as by the
/// contrastive head.
/// </summary>
public sealed class MinedHead : Head
{
    private readonly MinedLoss loss;
    private readonly MinedLossKind kind;
    private readonly float margin;
    private readonly float[] examples, active;

    public MinedHead(ComputeDevice device, int maxExamples, int embeddingSize, float margin, MinedLossKind kind)
        : base(device, maxExamples, embeddingSize)
    {
        (this.kind, this.margin) = (kind, margin);
        loss = Own(new MinedLoss(device, maxExamples));
        (examples, active) = (new float[maxExamples], new float[maxExamples]);
    }

    public override int ImagesPerExample => 1;

    /// <summary>While true, batch-hard triplets are replaced by batch-all (the trainer's warm-up: batch-hard from random weights collapses).</summary>
    public bool WarmingUp { get; set; }

    private MinedLossKind ActiveKind => WarmingUp && kind is MinedLossKind.BatchHard or MinedLossKind.BatchHardSoft ? MinedLossKind.BatchAll : kind;

    private MinedLossShape Shape(int images) => new(images, EmbeddingSize, margin, ActiveKind);

    public override void Forward(ArrayView<float> embeddings, int examples) =>
        loss.Forward(Losses(examples), embeddings, Labels(examples), Shape(examples));

    public override void Backward(ArrayView<float> dEmbeddings, ArrayView<float> embeddings, int examples) =>
        loss.Backward(dEmbeddings, embeddings, Shape(examples));

    /// <summary>The last forward's examples (triplets, or pairs for contrastive) and how many of them had a loss.</summary>
    public (double Examples, double Active) ReadActive(int images)
    {
        loss.Examples(Shape(images)).CopyToCPU(examples.AsSpan(0, images));
        loss.Active(Shape(images)).CopyToCPU(active.AsSpan(0, images));
        double total = 0, activeTotal = 0;
        for (var i = 0; i < images; i++)
            (total, activeTotal) = (total + examples[i], activeTotal + active[i]);
        return kind == MinedLossKind.ContrastiveHardest ? (total / 2, activeTotal) : (total, activeTotal);
    }

    public override void ForwardPairs(ArrayView<float> embeddings, int pairs) => ForwardDistances(embeddings, pairs);

    /// <summary>Pairs are reported with the contrastive loss at the margin, as for the triplet head.</summary>
    public override void ReadPairs(PairOutputs outputs, int start, int pairs) => ReadPairsWithContrastiveLoss(outputs, start, pairs, margin);

    /// <summary>Right when an image, as anchor, has no example with a loss left.</summary>
    public override long CountCorrect(StepResults step, float[] hostLabels, Decision decision)
    {
        long correct = 0;
        foreach (var value in step.Losses)
            correct += value == 0f ? 1 : 0;
        return correct;
    }

    public override Decision InitialDecision => DistanceDecision.Initial(margin);

    public override Decision Calibrate(PairOutputs validation, Func<float[], float[], double> bestThreshold, Decision current) =>
        DistanceDecision.Calibrate(validation, bestThreshold);

    public override float Similarity(float distance, float probability, Decision decision) => DistanceDecision.Similarity(distance, decision);
}
