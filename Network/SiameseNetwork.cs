using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Network;

/// <summary>
/// Twin (or, for the triplet loss, triple) towers over one set of weights, and the head on top.
/// Forward runs branch A, then B (then C), then the head and the loss; backward runs the head, then
/// the branches in reverse, each adding into the shared parameter gradients.
/// The loss written per pair is unscaled; the backward is that of the batch mean.
/// </summary>
public sealed class SiameseNetwork : IDisposable
{
    private readonly List<IDisposable> owned = [];
    private readonly ArrayView<float> labels, distance, probability, loss, dDistance;
    private readonly Parameter? headWeight, headBias;
    private readonly EuclideanDistanceLaunchers euclidean;

    public ComputeDevice Device { get; }
    public NetworkConfig Config { get; }
    public ParameterBlock Parameters { get; } = new();
    public Tower Tower { get; }
    public IReadOnlyList<Branch> Branches { get; }
    public int MaxBatch { get; }

    public SiameseNetwork(ComputeDevice device, NetworkConfig config, int maxBatch, int seed)
    {
        Device = device;
        Config = config;
        MaxBatch = maxBatch;
        Tower = new Tower(device, config.Tower, Parameters, seed);
        if (config.Loss == LossKind.Bce)
        {
            // A positive head weight makes the gradient pull same-class pairs apart until the towers
            // collapse under the distance clamp (FACTS.md: "stuck at 50%"); start it negative.
            headWeight = Parameters.AddWeight("head.weight", 1, 1, 1, nonPositive: true);
            headBias = Parameters.AddBias("head.bias", 1);
        }
        Parameters.Allocate(device, seed);
        owned.Add(Parameters);
        Branches = Enumerable.Range(0, config.Loss == LossKind.Triplet ? 3 : 2)
            .Select(i => Tower.CreateBranch(maxBatch, i)).ToList();
        owned.AddRange(Branches);
        labels = Floats(maxBatch);
        distance = Floats(maxBatch);
        probability = Floats(maxBatch);
        loss = Floats(maxBatch);
        dDistance = Floats(maxBatch);
        euclidean = EuclideanDistanceLaunchers.On(device);
    }

    public int EmbeddingSize => Tower.EmbeddingSize;

    public ArrayView<float> Labels(int batch) => labels.SubView(0, batch);
    public ArrayView<float> Distances(int batch) => distance.SubView(0, batch);
    public ArrayView<float> Probabilities(int batch) => probability.SubView(0, batch);
    public ArrayView<float> Losses(int batch) => loss.SubView(0, batch);

    /// <summary>
    /// Pairs in branches 0 and 1: embeddings, distance, and (training with BCE or contrastive loss)
    /// the per-pair loss. With <paramref name="computeLoss"/> false only the distance (and BCE's
    /// probability) is formed: evaluation of a triplet-trained model.
    /// </summary>
    public void ForwardPairs(int batch, int step, bool training, bool computeLoss = true)
    {
        var (a, b) = (Branches[0], Branches[1]);
        Tower.Forward(a, batch, step, training);
        Tower.Forward(b, batch, step, training);
        euclidean.Forward(Distances(batch), a.Embedding(batch), b.Embedding(batch), new EuclideanDistanceShape(batch, EmbeddingSize));
        switch (Config.Loss)
        {
            case LossKind.Bce:
                SigmoidBceLaunchers.On(Device).Forward(Probabilities(batch), Losses(batch), Distances(batch), Labels(batch),
                    headWeight!.Value, headBias!.Value, new SigmoidBceShape(batch));
                break;
            case LossKind.Contrastive when computeLoss:
                ContrastiveLossLaunchers.On(Device).Forward(Losses(batch), Distances(batch), Labels(batch), new ContrastiveShape(batch, Config.Margin));
                break;
        }
    }

    /// <summary>The tower alone on branch 0 (no dropout): the embeddings of its input batch, in <c>Branches[0].Embedding(batch)</c>.</summary>
    public void ForwardEmbeddings(int batch) => Tower.Forward(Branches[0], batch, step: 0, training: false);

    public void BackwardPairs(int batch, int step)
    {
        BackwardPairHead(batch);
        Tower.Backward(Branches[1], batch, step);
        Tower.Backward(Branches[0], batch, step);
    }

    /// <summary>The head's backward alone: its parameter gradients, and dLoss/dEmbedding in both branches.</summary>
    public void BackwardPairHead(int batch)
    {
        var dDist = dDistance.SubView(0, batch);
        var shape = new SigmoidBceShape(batch);
        switch (Config.Loss)
        {
            case LossKind.Bce:
                var head = SigmoidBceLaunchers.On(Device);
                head.BackwardWeight(headWeight!.Gradient, Probabilities(batch), Distances(batch), Labels(batch), shape);
                head.BackwardBias(headBias!.Gradient, Probabilities(batch), Labels(batch), shape);
                head.BackwardInput(dDist, Probabilities(batch), Labels(batch), headWeight.Value, shape);
                break;
            case LossKind.Contrastive:
                ContrastiveLossLaunchers.On(Device).BackwardInput(dDist, Distances(batch), Labels(batch), new ContrastiveShape(batch, Config.Margin));
                break;
            default:
                throw new InvalidOperationException("pairs are trained with the BCE or contrastive loss; the triplet loss trains on triplets");
        }
        var (a, b) = (Branches[0], Branches[1]);
        euclidean.Backward(a.EmbeddingGradient(batch), b.EmbeddingGradient(batch), dDist, Distances(batch),
            a.Embedding(batch), b.Embedding(batch), new EuclideanDistanceShape(batch, EmbeddingSize));
    }

    /// <summary>Anchor, positive and negative images in branches 0, 1 and 2; the per-triplet loss.</summary>
    public void ForwardTriplets(int batch, int step)
    {
        foreach (var branch in Branches)
            Tower.Forward(branch, batch, step, training: true);
        TripletLossLaunchers.On(Device).Forward(Losses(batch), Branches[0].Embedding(batch), Branches[1].Embedding(batch),
            Branches[2].Embedding(batch), new TripletShape(batch, EmbeddingSize, Config.Margin));
    }

    public void BackwardTriplets(int batch, int step)
    {
        var (anchor, positive, negative) = (Branches[0], Branches[1], Branches[2]);
        TripletLossLaunchers.On(Device).BackwardInput(anchor.EmbeddingGradient(batch), positive.EmbeddingGradient(batch),
            negative.EmbeddingGradient(batch), anchor.Embedding(batch), positive.Embedding(batch), negative.Embedding(batch),
            new TripletShape(batch, EmbeddingSize, Config.Margin));
        Tower.Backward(negative, batch, step);
        Tower.Backward(positive, batch, step);
        Tower.Backward(anchor, batch, step);
    }

    /// <summary>Gradients are zeroed once per step, before the backward passes add into them.</summary>
    public void ZeroGradients() => FillLaunchers.On(Device).Zero(Parameters.Gradients);

    /// <summary>One Adam update of every parameter; <paramref name="step"/> counts from 1.</summary>
    public void AdamStep(int step, double learningRate) =>
        AdamLaunchers.On(Device).Update(Parameters.Values, Parameters.FirstMoments, Parameters.SecondMoments, Parameters.Gradients,
            AdamShape.ForStep(Parameters.Length, learningRate, AdamShape.DefaultBeta1, AdamShape.DefaultBeta2, AdamShape.DefaultEpsilon, step));

    private ArrayView<float> Floats(int length)
    {
        var buffer = Device.Allocate(length);
        owned.Add(buffer);
        return buffer.View;
    }

    public void Dispose()
    {
        foreach (var item in owned)
            item.Dispose();
    }
}
