using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Network.Heads;

/// <summary>
/// Triplet loss max(d(a,p) - d(a,n) + m, 0) on (anchor, positive, negative) (<see cref="TripletLoss"/>).
/// Pairs are scored by distance, as by the contrastive head.
/// </summary>
public sealed class TripletHead(ComputeDevice device, int maxExamples, int embeddingSize, float margin)
    : Head(device, maxExamples, embeddingSize)
{
    private readonly TripletLoss loss = new TripletLoss(device);

    public override int ImagesPerExample => 3;

    private TripletShape Shape(int examples) => new(examples, EmbeddingSize, margin);

    public override void Forward(ArrayView<float> embeddings, int examples) =>
        loss.Forward(Losses(examples), Block(embeddings, 0, examples), Block(embeddings, 1, examples), Block(embeddings, 2, examples),
            Shape(examples));

    public override void Backward(ArrayView<float> dEmbeddings, ArrayView<float> embeddings, int examples) =>
        loss.Backward(Block(dEmbeddings, 0, examples), Block(dEmbeddings, 1, examples), Block(dEmbeddings, 2, examples),
            Block(embeddings, 0, examples), Block(embeddings, 1, examples), Block(embeddings, 2, examples), Shape(examples));

    public override void ForwardPairs(ArrayView<float> embeddings, int pairs) => ForwardDistances(embeddings, pairs);

    /// <summary>A triplet-trained model has no pair loss of its own; report the contrastive loss at its margin.</summary>
    public override void ReadPairs(PairOutputs outputs, int start, int pairs) => ReadPairsWithContrastiveLoss(outputs, start, pairs, margin);

    /// <summary>Right when the anchor is nearer its positive than its negative: a loss below the margin.</summary>
    public override long CountCorrect(StepResults step, float[] hostLabels, Decision decision)
    {
        long correct = 0;
        foreach (var loss in step.Losses)
            correct += loss < margin ? 1 : 0;
        return correct;
    }

    public override Decision InitialDecision => DistanceDecision.Initial(margin);

    public override Decision Calibrate(PairOutputs validation, Func<float[], float[], double> bestThreshold, Decision current) =>
        DistanceDecision.Calibrate(validation, bestThreshold);

    public override float Similarity(float distance, float probability, Decision decision) => DistanceDecision.Similarity(distance, decision);
}
