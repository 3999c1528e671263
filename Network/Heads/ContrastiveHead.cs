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

    /// <summary>Right when d ≤ τ exactly for same-class pairs.</summary>
    public override long CountCorrect(StepResults step, float[] hostLabels, Decision decision) =>
        Agreeing(step.Distances, hostLabels, decision.DistanceScale, sameBelow: true);

    public override Decision InitialDecision => DistanceDecision.Initial(margin);

    public override Decision Calibrate(PairOutputs validation, Func<float[], float[], double> bestThreshold, Decision current) =>
        DistanceDecision.Calibrate(validation, bestThreshold);

    public override float Similarity(float distance, float probability, Decision decision) => DistanceDecision.Similarity(distance, decision);
}
