using ILGPU.Runtime;
using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

public class MinedLossReferenceTests
{
    internal static readonly MinedLossKind[] Kinds = Enum.GetValues<MinedLossKind>();

    /// <summary>
    /// P classes x K images, the classes interleaved as a shuffled batch would hold them: each image its class's random
    /// centre (3 apart on average) plus noise of its own, so that some examples are already solved and some are not.
    /// </summary>
    internal static (double[] Embeddings, double[] Labels) Batch(Numbers numbers, int classes, int perClass, int features)
    {
        var centres = numbers.UniformFloat(classes * features, -2, 2);
        var noise = numbers.UniformFloat(classes * perClass * features);
        var embeddings = noise.Select((x, index) => (double)(float)(x + centres[index / features % classes * features + index % features])).ToArray();
        return (embeddings, Enumerable.Range(0, classes * perClass).Select(i => (double)(i % classes)).ToArray());
    }

    /// <summary>
    /// One feature, two classes: anchor 0 at 0 has positives at 1 and 3 and negatives at 2 and 10, so its farthest positive
    /// is image 2 (d = 3), its nearest negative image 3 (d = 2), and its semi-hard negative for positive 1 (d = 1) is also
    /// image 3, the nearest farther than 1; for positive 2 (d = 3) it is image 4 (d = 10).
    /// </summary>
    [Test]
    public void ChoosesTheExamplesTheDefinitionsName()
    {
        double[] e = [0, 1, 3, 2, 10];
        double[] labels = [0, 0, 0, 1, 1];
        MinedLossReference.Example First(MinedLossKind kind) => MinedLossReference.Forward(e, labels, new MinedLossShape(5, 1, 2f, kind)).Chosen[0];

        Assert.That(First(MinedLossKind.BatchHard), Is.EqualTo(new MinedLossReference.Example(0, 2, 3, 3, true)), "farthest positive, nearest negative: 3 - 2 + 2");
        Assert.That(First(MinedLossKind.BatchHardSoft), Is.EqualTo(new MinedLossReference.Example(0, 2, 3, Math.Log(1 + Math.E), true)),
            "the same triplet, softplus(3 - 2), no margin");
        Assert.That(First(MinedLossKind.ContrastiveHardest), Is.EqualTo(new MinedLossReference.Example(0, 2, 3, 9, false)), "3² + max(2 - 2, 0)²");
        var semiHard = MinedLossReference.Forward(e, labels, new MinedLossShape(5, 1, 2f, MinedLossKind.SemiHard)).Chosen.Where(x => x.Anchor == 0).ToList();
        Assert.That(semiHard, Is.EqualTo(new[] { new MinedLossReference.Example(0, 1, 3, 1, true), new MinedLossReference.Example(0, 2, 4, 0, false) }));
        var all = MinedLossReference.Forward(e, labels, new MinedLossShape(5, 1, 2f, MinedLossKind.BatchAll));
        Assert.That(all.Chosen.Count(x => x.Anchor == 0), Is.EqualTo(4), "two positives x two negatives");
        Assert.That(all.Scale, Is.EqualTo(1.0 / all.Chosen.Count(x => x.Active)), "batch-all averages over the active triplets");
    }

    /// <summary>
    /// A margin halfway between the middle two of the chosen examples' distinct d_an - d_ap (for contrastive, d_an), so
    /// that about half of them have a loss and half do not. The choice itself does not depend on the margin.
    /// </summary>
    internal static float MarginThatSplits(double[] e, double[] labels, int batch, int features, MinedLossKind kind)
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

    [Test]
    public void BackwardMatchesFiniteDifferencesThroughTheSelection([ValueSource(nameof(Kinds))] MinedLossKind kind)
    {
        var numbers = new Numbers();
        var (e, labels) = Batch(numbers, classes: 3, perClass: 4, features: 5);
        var s = new MinedLossShape(batch: 12, features: 5, MarginThatSplits(e, labels, 12, 5, kind), kind);
        var forward = MinedLossReference.Forward(e, labels, s);
        if (kind == MinedLossKind.BatchHardSoft)
            Assert.That(forward.Chosen.Select(x => x.Loss), Is.All.GreaterThan(0), "softplus has no flat part: every triplet has a loss");
        else
        {
            Assert.That(forward.Active.Sum(), Is.GreaterThan(0), "some examples have a loss");
            Assert.That(forward.Active.Sum(), Is.LessThan(forward.Chosen.Count), "and some have none");
        }
        var dE = MinedLossReference.Backward(e, labels, s);
        GradientCheck.Probe("dEmbeddings", e, dE, () => MinedLossReference.BatchLoss(e, labels, s), numbers.Random, probes: 60);
    }
}

[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class MinedLossKernelTests(string deviceId) : BackendFixture(deviceId)
{
    private static readonly MinedLossKind[] Kinds = MinedLossReferenceTests.Kinds;

    private (float[] Loss, float[] DEmbeddings, float[] Squared, float[] Examples, float[] Active) Run(double[] e, double[] labels, MinedLossShape s)
    {
        using var arrays = new DeviceBuffers(Device);
        using var mined = new MinedLoss(Device, s.Batch);
        foreach (var internalBuffer in new[] { mined.SquaredDistances(s), mined.Weights(s), mined.Examples(s), mined.Active(s) })
            internalBuffer.CopyFromCPU(Enumerable.Repeat(float.NaN, (int)internalBuffer.Length).ToArray());
        var eDevice = arrays.Upload(e);
        var loss = arrays.Poisoned(s.Batch);
        var dE = arrays.Poisoned(s.InputLength);
        mined.Forward(loss, eDevice, arrays.Upload(labels), s);
        mined.Backward(dE, eDevice, s);
        return (arrays.Read(loss), arrays.Read(dE), arrays.Read(mined.SquaredDistances(s)), arrays.Read(mined.Examples(s)), arrays.Read(mined.Active(s)));
    }

    [Test]
    public void KernelsMatchReference([ValueSource(nameof(Kinds))] MinedLossKind kind)
    {
        var numbers = new Numbers();
        var (e, labels) = MinedLossReferenceTests.Batch(numbers, classes: 4, perClass: 6, features: 7);
        var s = new MinedLossShape(batch: 24, features: 7, MinedLossReferenceTests.MarginThatSplits(e, labels, 24, 7, kind), kind);
        var reference = MinedLossReference.Forward(e, labels, s);
        var (loss, dE, squared, examples, active) = Run(e, labels, s);
        Close.Assert("squared distances", squared, reference.Squared);
        Close.Assert("examples per anchor", examples, reference.Examples);
        Close.Assert("active per anchor", active, reference.Active);
        Close.Assert("loss", loss, reference.Loss);
        Close.Assert("dEmbeddings", dE, MinedLossReference.Backward(e, labels, s));
    }

    /// <summary>Two negatives at the same place: both the kernel and the reference take the lower index.</summary>
    [Test]
    public void TiesGoToTheLowerIndex([ValueSource(nameof(Kinds))] MinedLossKind kind)
    {
        var numbers = new Numbers();
        var s = new MinedLossShape(batch: 12, features: 4, margin: 1f, kind);
        var (e, labels) = MinedLossReferenceTests.Batch(numbers, classes: 3, perClass: 4, s.Features);
        // Images 1 and 4 are both of class 1 and negatives of anchor 0; image 7 (class 1) is a copy too, so anchor 0 has three tied candidates.
        for (var k = 0; k < s.Features; k++)
            e[4 * s.Features + k] = e[7 * s.Features + k] = e[1 * s.Features + k];
        var (loss, dE, _, _, active) = Run(e, labels, s);
        var reference = MinedLossReference.Forward(e, labels, s);
        Close.Assert("active per anchor", active, reference.Active);
        Close.Assert("loss", loss, reference.Loss);
        Close.Assert("dEmbeddings", dE, MinedLossReference.Backward(e, labels, s));
    }

    [Test]
    public void TwoLaunchesGiveIdenticalBits([ValueSource(nameof(Kinds))] MinedLossKind kind)
    {
        var numbers = new Numbers();
        var s = new MinedLossShape(batch: 64, features: 48, margin: 1f, kind);
        var (e, labels) = MinedLossReferenceTests.Batch(numbers, classes: 8, perClass: 8, s.Features);
        var first = Run(e, labels, s);
        var second = Run(e, labels, s);
        Assert.That(first.Loss.Concat(first.DEmbeddings), Is.EqualTo(second.Loss.Concat(second.DEmbeddings)).AsCollection);
    }
}
