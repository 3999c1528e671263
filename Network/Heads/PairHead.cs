using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Network.Heads;

/// <summary>
/// A head trained on pairs: d = ‖eA - eB‖ (floored), then a loss on d and the label. The backward forms
/// dLoss/dd once and the distance's backward turns it into both twins' embedding gradients.
/// </summary>
public abstract class PairHead : Head
{
    private readonly ArrayView<float> dDistances;

    protected PairHead(ComputeDevice device, int maxExamples, int embeddingSize) : base(device, maxExamples, embeddingSize) =>
        dDistances = Floats(maxExamples);

    public override int ImagesPerExample => 2;

    /// <summary>The per-pair loss from <see cref="Head.Distances"/> and <see cref="Head.Labels"/>.</summary>
    protected abstract void ForwardLoss(int pairs);

    /// <summary>dLoss/dd of the batch mean into <paramref name="dDistance"/>; head parameters' gradients add up.</summary>
    protected abstract void BackwardLoss(ArrayView<float> dDistance, int pairs);

    public override void Forward(ArrayView<float> embeddings, int examples)
    {
        ForwardDistances(embeddings, examples);
        ForwardLoss(examples);
    }

    public override void Backward(ArrayView<float> dEmbeddings, ArrayView<float> embeddings, int examples)
    {
        var dDistance = dDistances.SubView(0, examples);
        BackwardLoss(dDistance, examples);
        Euclidean.Backward(Block(dEmbeddings, 0, examples), Block(dEmbeddings, 1, examples), dDistance, Distances(examples),
            Block(embeddings, 0, examples), Block(embeddings, 1, examples), new EuclideanDistanceShape(examples, EmbeddingSize));
    }

    /// <summary>Scoring runs the training forward: with the labels uploaded, the pair loss comes for free.</summary>
    public override void ForwardPairs(ArrayView<float> embeddings, int pairs) => Forward(embeddings, pairs);

    public override void ReadPairs(PairOutputs outputs, int start, int pairs)
    {
        Distances(pairs).CopyToCPU(outputs.Distances.AsSpan(start, pairs));
        Losses(pairs).CopyToCPU(outputs.Losses.AsSpan(start, pairs));
    }

    /// <summary>
    /// The pairs whose call matches their label: "same" when the value is at or above <paramref name="cut"/>
    /// (a probability), or at or below it when <paramref name="sameBelow"/> (a distance).
    /// </summary>
    protected static long Agreeing(ReadOnlySpan<float> values, float[] labels, double cut, bool sameBelow)
    {
        long correct = 0;
        for (var i = 0; i < values.Length; i++)
            correct += (sameBelow ? values[i] <= cut : values[i] >= cut) == (labels[i] > 0.5f) ? 1 : 0;
        return correct;
    }
}
