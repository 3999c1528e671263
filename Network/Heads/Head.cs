using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Network.Heads;

/// <summary>
/// What sits on the towers: what one training example is (a pair or a triplet), its loss, its backward, and
/// how its outputs become a similarity and a decision. Chosen once, by <see cref="Create"/>; nothing else
/// asks which loss a network has. Embeddings arrive as one batch: block b of an n-example batch is rows
/// [b·n, (b+1)·n). The loss written per example is unscaled; every backward is that of the batch mean.
/// </summary>
public abstract class Head : IDisposable
{
    private readonly List<IDisposable> owned = [];
    private readonly ArrayView<float> labels, results;
    private readonly float[] host;

    protected ComputeDevice Device { get; }
    protected int EmbeddingSize { get; }
    protected EuclideanDistance Euclidean { get; }

    protected Head(ComputeDevice device, int maxExamples, int embeddingSize)
    {
        Device = device;
        EmbeddingSize = embeddingSize;
        Euclidean = new EuclideanDistance(device);
        labels = Floats(maxExamples);
        results = Floats(StepResults.PerExample * maxExamples);
        host = new float[StepResults.PerExample * maxExamples];
    }

    /// <summary>The head for <paramref name="config"/>, its parameters (if any) registered in <paramref name="parameters"/>.</summary>
    public static Head Create(ComputeDevice device, NetworkConfig config, ParameterBlock parameters, int maxExamples, int embeddingSize) =>
        config.Mining.With(config.Loss) is { } mined
            ? new MinedHead(device, maxExamples, embeddingSize, config.Margin, mined)
            : config.Loss switch
        {
            LossKind.Bce => new BceHead(device, parameters, maxExamples, embeddingSize),
            LossKind.Contrastive => new ContrastiveHead(device, maxExamples, embeddingSize, config.Margin),
            LossKind.Triplet => new TripletHead(device, maxExamples, embeddingSize, config.Margin),
            var other => throw new NotSupportedException($"loss {other} is not supported"),
        };

    /// <summary>Images per training example: 2 for a pair, 3 for a triplet (anchor, positive, negative), 1 for a mined batch's image.</summary>
    public abstract int ImagesPerExample { get; }

    /// <summary>1 for same class, 0 otherwise; only pair heads read them.</summary>
    public ArrayView<float> Labels(int examples) => labels.SubView(0, examples);

    // The last batch's results side by side in one buffer, n values each: losses, distances, probabilities (BCE only),
    // so that a training step reads them back in one copy (ReadStep).
    public ArrayView<float> Losses(int examples) => results.SubView(0, examples);

    public ArrayView<float> Distances(int pairs) => results.SubView(pairs, pairs);

    protected ArrayView<float> ProbabilityResults(int pairs) => results.SubView(2L * pairs, pairs);

    /// <summary>The last training <see cref="Forward"/>'s losses and decision values on the host: the step's one read from the device.</summary>
    public StepResults ReadStep(int examples)
    {
        results.SubView(0, StepResults.PerExample * (long)examples).CopyToCPU(host.AsSpan(0, StepResults.PerExample * examples));
        return new StepResults(host, examples);
    }

    /// <summary>The training forward: the per-example loss into <see cref="Losses"/>.</summary>
    public abstract void Forward(ArrayView<float> embeddings, int examples);

    /// <summary>dLoss/dEmbedding (of the batch mean) into <paramref name="dEmbeddings"/>; head parameters' gradients add up.</summary>
    public abstract void Backward(ArrayView<float> dEmbeddings, ArrayView<float> embeddings, int examples);

    /// <summary>Scoring pairs (blocks 0 and 1): distances, and what the head needs to turn them into similarities.</summary>
    public abstract void ForwardPairs(ArrayView<float> embeddings, int pairs);

    /// <summary>Copies the outputs of the last <see cref="ForwardPairs"/> into <paramref name="outputs"/> from <paramref name="start"/>.</summary>
    public abstract void ReadPairs(PairOutputs outputs, int start, int pairs);

    /// <summary>How many examples of a training step (<see cref="ReadStep"/>) were decided right under <paramref name="decision"/>.</summary>
    public abstract long CountCorrect(StepResults step, float[] hostLabels, Decision decision);

    /// <summary>The decision that is best on <paramref name="validation"/>; <paramref name="bestThreshold"/> finds the accuracy-maximising cut of a score.</summary>
    public abstract Decision Calibrate(PairOutputs validation, Func<float[], float[], double> bestThreshold, Decision current);

    /// <summary>A pair's similarity in [0, 1] from its head outputs.</summary>
    public abstract float Similarity(float distance, float probability, Decision decision);

    public float[] Similarities(PairOutputs outputs, Decision decision)
    {
        var scores = new float[outputs.Distances.Length];
        for (var i = 0; i < scores.Length; i++)
            scores[i] = Similarity(outputs.Distances[i], outputs.Probabilities[i], decision);
        return scores;
    }

    /// <summary>The first decision, before any calibration.</summary>
    public abstract Decision InitialDecision { get; }

    protected ArrayView<float> Block(ArrayView<float> rows, int block, int examples) =>
        rows.SubView((long)block * examples * EmbeddingSize, (long)examples * EmbeddingSize);

    protected void ForwardDistances(ArrayView<float> embeddings, int pairs) =>
        Euclidean.Forward(Distances(pairs), Block(embeddings, 0, pairs), Block(embeddings, 1, pairs), new EuclideanDistanceShape(pairs, EmbeddingSize));

    /// <summary>
    /// Pairs of a head that has no pair loss of its own (triplet, mined): their distances, and as loss the contrastive
    /// loss at <paramref name="margin"/>.
    /// </summary>
    protected void ReadPairsWithContrastiveLoss(PairOutputs outputs, int start, int pairs, float margin)
    {
        Distances(pairs).CopyToCPU(outputs.Distances.AsSpan(start, pairs));
        for (var i = start; i < start + pairs; i++)
        {
            double d = outputs.Distances[i], y = outputs.Labels[i], gap = Math.Max(margin - d, 0);
            outputs.Losses[i] = (float)(y * d * d + (1 - y) * gap * gap);
        }
    }

    /// <summary>Disposed with the head.</summary>
    protected T Own<T>(T disposable) where T : IDisposable
    {
        owned.Add(disposable);
        return disposable;
    }

    protected ArrayView<float> Floats(int length)
    {
        var buffer = Device.Allocate(length);
        owned.Add(buffer);
        return buffer.View;
    }

    public void Dispose()
    {
        foreach (var buffer in owned)
            buffer.Dispose();
    }
}
