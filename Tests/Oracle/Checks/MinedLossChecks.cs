using System.Text.RegularExpressions;
using ILGPU;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Oracle.Checks;

public static partial class KernelChecks
{
    /// <summary>
    /// P classes x K images, the classes interleaved as a shuffled batch would hold them: each image its class's random
    /// centre (3 apart on average) plus noise of its own, so that some examples are already solved and some are not.
    /// </summary>
    public static (double[] Embeddings, double[] Labels) MinedBatch(Random random, int classes, int perClass, int features)
    {
        var centres = random.UniformFloat(classes * features, -2, 2);
        var noise = random.UniformFloat(classes * perClass * features);
        var embeddings = noise.Select((x, index) => (double)(float)(x + centres[index / features % classes * features + index % features])).ToArray();
        return (embeddings, Enumerable.Range(0, classes * perClass).Select(i => (double)(i % classes)).ToArray());
    }

    /// <summary>
    /// A margin halfway between the middle two of the chosen examples' distinct d_an - d_ap (for contrastive, d_an), so
    /// that about half of them have a loss and half do not. The choice itself does not depend on the margin.
    /// </summary>
    public static float MarginThatSplits(double[] e, double[] labels, int batch, int features, MinedLossKind kind)
    {
        var probe = MinedLossReference.Forward(e, labels, new MinedLossShape(batch, features, 0f, kind));
        double D(int i, int j) => Math.Sqrt(Math.Max(probe.Squared[i * batch + j], EuclideanDistanceReference.SquaredDistanceFloor));
        var values = probe.Chosen.Select(x => D(x.Anchor, x.Negative) - (kind == MinedLossKind.ContrastiveHardest ? 0 : D(x.Anchor, x.Positive)))
            .Order().ToList();
        // Distinct values only: anchors a and n that choose each other give the same distance twice, and a margin equal
        // to it would leave the kernel's float32 and the reference's float64 on opposite sides of the hinge.
        var distinct = values.Where((v, i) => i == 0 || v - values[i - 1] > 1e-4).ToList();
        return (float)((distinct[distinct.Count / 2 - 1] + distinct[distinct.Count / 2]) / 2);
    }

    /// <summary>
    /// A batch of <paramref name="classes"/> x <paramref name="perClass"/> embeddings (<see cref="MinedBatch"/>) with a
    /// margin that splits its examples (<see cref="MarginThatSplits"/>): the forward, whose pairwise squared distances
    /// and per-anchor counts the op keeps in its own buffers (poisoned too), and the backward.
    /// </summary>
    public static IEnumerable<Comparison> MinedLoss(ComputeDevice device, Random random, int classes, int perClass, int features, MinedLossKind kind)
    {
        var batch = classes * perClass;
        var (e, labels) = MinedBatch(random, classes, perClass, features);
        var s = new MinedLossShape(batch, features, MarginThatSplits(e, labels, batch, features, kind), kind);
        var reference = MinedLossReference.Forward(e, labels, s);
        using var buffers = new DeviceBuffers(device);
        using var mined = new global::IlgpuSiamese.Kernels.Ops.MinedLoss(device, s.Batch);
        var (loss, dE) = RunMinedLoss(mined, buffers, e, labels, s);
        return
        [
            Comparison.Of("squared distances", buffers.Read(mined.SquaredDistances(s)), reference.Squared),
            Comparison.Of("examples per anchor", buffers.Read(mined.Examples(s)), reference.Examples),
            Comparison.Of("active per anchor", buffers.Read(mined.Active(s)), reference.Active),
            Comparison.Of("loss", buffers.Read(loss), reference.Loss),
            Comparison.Of("dEmbeddings", buffers.Read(dE), MinedLossReference.Backward(e, labels, s)),
        ];
    }

    /// <summary>The op's forward, then its backward, with its own buffers and the outputs poisoned first: the loss and dEmbeddings.</summary>
    public static (ArrayView<float> Loss, ArrayView<float> DEmbeddings) RunMinedLoss(global::IlgpuSiamese.Kernels.Ops.MinedLoss mined,
        DeviceBuffers buffers, double[] e, double[] labels, MinedLossShape s)
    {
        foreach (var kept in new[] { mined.SquaredDistances(s), mined.Weights(s), mined.Examples(s), mined.Active(s) })
            DeviceBuffers.Poison(kept);
        var eDevice = buffers.Upload(e);
        var loss = buffers.Poisoned(s.Batch);
        var dE = buffers.Poisoned(s.InputLength);
        mined.Forward(loss, eDevice, buffers.Upload(labels), s);
        mined.Backward(dE, eDevice, s);
        return (loss, dE);
    }

    /// <summary>A mined loss's check, named by its kind in kebab case: batch-hard, semi-hard, …, contrastive-hardest.</summary>
    private static KernelCheck MinedLossCheck(MinedLossKind kind, int classes, int perClass, int features) =>
        new($"MinedLoss {Regex.Replace(kind.ToString(), "(?<!^)([A-Z])", "-$1").ToLowerInvariant()}",
            (device, random) => MinedLoss(device, random, classes, perClass, features, kind));
}
