using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Network.Heads;

/// <summary>
/// The original head: p = sigmoid(w·d + b), a Dense 1→1 on the distance, with binary cross-entropy
/// (<see cref="SigmoidBce"/>). Its probability is its similarity.
/// </summary>
public sealed class BceHead : PairHead
{
    private readonly SigmoidBce bce;
    private readonly Parameter weight, bias;

    public BceHead(ComputeDevice device, ParameterBlock parameters, int maxExamples, int embeddingSize) : base(device, maxExamples, embeddingSize)
    {
        bce = new SigmoidBce(device);
        // A positive head weight makes the gradient pull same-class pairs apart until the towers collapse
        // under the distance floor (the "stuck at 50%" of siamese training); start it negative.
        weight = parameters.AddWeight("head.weight", 1, 1, 1, nonPositive: true);
        bias = parameters.AddBias("head.bias", 1);
    }

    public ArrayView<float> Probabilities(int pairs) => ProbabilityResults(pairs);

    protected override void ForwardLoss(int pairs) =>
        bce.Forward(Probabilities(pairs), Losses(pairs), Distances(pairs), Labels(pairs), weight.Value, bias.Value, new SigmoidBceShape(pairs));

    protected override void BackwardLoss(ArrayView<float> dDistance, int pairs) =>
        bce.Backward(dDistance, weight.Gradient, bias.Gradient, Probabilities(pairs), Distances(pairs), Labels(pairs), weight.Value,
            new SigmoidBceShape(pairs));

    public override void ReadPairs(PairOutputs outputs, int start, int pairs)
    {
        base.ReadPairs(outputs, start, pairs);
        Probabilities(pairs).CopyToCPU(outputs.Probabilities.AsSpan(start, pairs));
    }

    /// <summary>Right when p ≥ 0.5 exactly for same-class pairs.</summary>
    public override long CountCorrect(StepResults step, float[] hostLabels, Decision decision) =>
        Agreeing(step.Probabilities, hostLabels, 0.5, sameBelow: false);

    public override Decision InitialDecision => new(0.5, 1.0);

    /// <summary>The probability cut that is best on validation pairs.</summary>
    public override Decision Calibrate(PairOutputs validation, Func<float[], float[], double> bestThreshold, Decision current) =>
        current with { Threshold = bestThreshold(validation.Probabilities, validation.Labels) };

    public override float Similarity(float distance, float probability, Decision decision) => probability;
}
