using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

public class MinedLossReferenceTests
{
    internal static readonly MinedLossKind[] Kinds = Enum.GetValues<MinedLossKind>();

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

    [Test]
    public void BackwardMatchesFiniteDifferencesThroughTheSelection([ValueSource(nameof(Kinds))] MinedLossKind kind)
    {
        var numbers = new Numbers();
        var (e, labels) = KernelChecks.MinedBatch(numbers.Random, classes: 3, perClass: 4, features: 5);
        var s = new MinedLossShape(batch: 12, features: 5, KernelChecks.MarginThatSplits(e, labels, 12, 5, kind), kind);
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

    private (float[] Loss, float[] DEmbeddings, float[] Active) Run(double[] e, double[] labels, MinedLossShape s)
    {
        using var arrays = new DeviceBuffers(Device);
        using var mined = new MinedLoss(Device, s.Batch);
        var (loss, dE) = KernelChecks.RunMinedLoss(mined, arrays, e, labels, s);
        return (arrays.Read(loss), arrays.Read(dE), arrays.Read(mined.Active(s)));
    }

    /// <summary>The check <c>siamese selftest</c> runs (there a batch of 4 x 3 images of 13 features), here on 4 x 6 of 7.</summary>
    [Test]
    public void KernelsMatchReference([ValueSource(nameof(Kinds))] MinedLossKind kind)
    {
        var numbers = new Numbers();
        foreach (var comparison in KernelChecks.MinedLoss(Device, numbers.Random, classes: 4, perClass: 6, features: 7, kind))
            Close.That(comparison);
    }

    /// <summary>Two negatives at the same place: both the kernel and the reference take the lower index.</summary>
    [Test]
    public void TiesGoToTheLowerIndex([ValueSource(nameof(Kinds))] MinedLossKind kind)
    {
        var numbers = new Numbers();
        var s = new MinedLossShape(batch: 12, features: 4, margin: 1f, kind);
        var (e, labels) = KernelChecks.MinedBatch(numbers.Random, classes: 3, perClass: 4, s.Features);
        // Images 1 and 4 are both of class 1 and negatives of anchor 0; image 7 (class 1) is a copy too, so anchor 0 has three tied candidates.
        for (var k = 0; k < s.Features; k++)
            e[4 * s.Features + k] = e[7 * s.Features + k] = e[1 * s.Features + k];
        var (loss, dE, active) = Run(e, labels, s);
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
        var (e, labels) = KernelChecks.MinedBatch(numbers.Random, classes: 8, perClass: 8, s.Features);
        var first = Run(e, labels, s);
        var second = Run(e, labels, s);
        Assert.That(first.Loss.Concat(first.DEmbeddings), Is.EqualTo(second.Loss.Concat(second.DEmbeddings)).AsCollection);
    }
}
