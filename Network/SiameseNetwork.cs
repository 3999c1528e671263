using ILGPU;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Network.Heads;

namespace IlgpuSiamese.Network;

/// <summary>
/// The twin (or, for the triplet loss, triple) network: one tower over one set of weights, and the head on
/// top. The images of every example of a step go through the tower as one batch (pairs: 2N images,
/// triplets: 3N), so each weight gradient sums the twins inside one product, then the head's loss.
/// Gradients are zeroed once per step; every backward adds into them.
/// </summary>
public sealed class SiameseNetwork : IDisposable
{
    public ComputeDevice Device { get; }
    public NetworkConfig Config { get; }
    public ParameterBlock Parameters { get; } = new();
    public Tower Tower { get; }
    public Head Head { get; }
    public Activations Activations { get; }

    /// <summary>The most examples (pairs or triplets) one pass takes.</summary>
    public int MaxExamples { get; }

    public SiameseNetwork(ComputeDevice device, NetworkConfig config, int maxExamples, int seed)
    {
        Device = device;
        Config = config;
        MaxExamples = maxExamples;
        Tower = new Tower(device, config.Tower, Parameters, seed);
        Head = Head.Create(device, config, Parameters, maxExamples, Tower.EmbeddingSize);
        Parameters.Allocate(device, seed);
        // Scoring pairs takes two images per example whatever a training example holds.
        Activations = Tower.CreateActivations(maxExamples * Math.Max(Head.ImagesPerExample, 2));
    }

    public int EmbeddingSize => Tower.EmbeddingSize;

    /// <summary>The training forward of <paramref name="examples"/> examples already in the inputs: the per-example loss.</summary>
    public void Forward(int examples, int step, bool training)
    {
        var images = examples * Head.ImagesPerExample;
        Tower.Forward(Activations, images, step, training);
        Head.Forward(Activations.Embeddings(images), examples);
    }

    /// <summary>The backward of the last training forward: the head, then the tower over every image at once.</summary>
    public void Backward(int examples, int step)
    {
        var images = examples * Head.ImagesPerExample;
        Head.Backward(Activations.EmbeddingGradients(images), Activations.Embeddings(images), examples);
        Tower.Backward(Activations, images, step);
    }

    /// <summary>Scores <paramref name="pairs"/> pairs (no dropout, no gradients): first images in [0, n), second in [n, 2n).</summary>
    public void ForwardPairs(int pairs)
    {
        Tower.Forward(Activations, 2 * pairs, step: 0, training: false);
        Head.ForwardPairs(Activations.Embeddings(2 * pairs), pairs);
    }

    /// <summary>The tower alone (no dropout) on the first <paramref name="images"/> inputs: their embeddings in <c>Activations.Embeddings</c>.</summary>
    public void ForwardEmbeddings(int images) => Tower.Forward(Activations, images, step: 0, training: false);

    /// <summary>Gradients are zeroed once per step, before the backward adds into them.</summary>
    public void ZeroGradients() => new Fill(Device).Zero(Parameters.Gradients);

    /// <summary>One Adam update of every parameter; <paramref name="step"/> counts from 1.</summary>
    public void AdamStep(int step, double learningRate) =>
        new Adam(Device).Update(Parameters.Values, Parameters.FirstMoments, Parameters.SecondMoments, Parameters.Gradients,
            AdamShape.ForStep(Parameters.Length, learningRate, AdamShape.DefaultBeta1, AdamShape.DefaultBeta2, AdamShape.DefaultEpsilon, step));

    public void Dispose()
    {
        Activations.Dispose();
        Head.Dispose();
        Parameters.Dispose();
    }
}
