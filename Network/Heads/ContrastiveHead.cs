using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Network.Heads;

/// <summary>Contrastive loss on the pair distance: y·d² + (1-y)·max(m - d, 0)² (<see cref="ContrastiveLoss"/>).</summary>
public sealed class ContrastiveHead(ComputeDevice device, int maxExamples, int embeddingSize, float margin)
    : PairHead(device, maxExamples, embeddingSize)
{
    private readonly ContrastiveLoss loss = new ContrastiveLoss(device);

    protected override void ForwardLoss(int pairs) =>
        loss.Forward(Losses(pairs), Distances(pairs), Labels(pairs), new ContrastiveShape(pairs, margin));

    protected override void BackwardLoss(ArrayView<float> dDistance, int pairs) =>
        loss.Backward(dDistance, Distances(pairs), Labels(pairs), new ContrastiveShape(pairs, margin));

    public override void ReadPairs(PairOutputs outputs, int start, int pairs)
    {
        Distances(pairs).CopyToCPU(outputs.Distances.AsSpan(start, pairs));
        Losses(pairs).CopyToCPU(outputs.Losses.AsSpan(start, pairs));
    }

    /// <summary>Right when d ≤ τ exactly for same-class pairs.</summary>
    public override long CountCorrect(int examples, float[] hostLabels, Decision decision)
    {
        var distances = OnHost(Distances(examples));
        long correct = 0;
        for (var i = 0; i < examples; i++)
            correct += (distances[i] <= decision.DistanceScale) == (hostLabels[i] > 0.5f) ? 1 : 0;
        return correct;
    }

    public override Decision InitialDecision => DistanceDecision.Initial(margin);

    public override Decision Calibrate(PairOutputs validation, Func<float[], float[], double> bestThreshold, Decision current) =>
        DistanceDecision.Calibrate(validation, bestThreshold);

    public override float Similarity(float distance, float probability, Decision decision) => DistanceDecision.Similarity(distance, decision);
}
