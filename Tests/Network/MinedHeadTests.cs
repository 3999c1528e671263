using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Network.Heads;
using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Network;

/// <summary>The mined head's warm-up: batch-hard triplets give way to batch-all while it lasts, and only they do.</summary>
[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class MinedHeadTests(string deviceId) : BackendFixture(deviceId)
{
    private const int Images = 8, Features = 3;

    /// <summary>Examples mined from 8 random embeddings labelled i mod 2 (4 per label), with or without the warm-up.</summary>
    private double Examples(MinedLossKind kind, bool warmingUp)
    {
        using var arrays = new DeviceBuffers(Device);
        using var head = new MinedHead(Device, Images, Features, 1f, kind) { WarmingUp = warmingUp };
        head.Labels(Images).CopyFromCPU(Enumerable.Range(0, Images).Select(i => (float)(i % 2)).ToArray());
        head.Forward(arrays.Upload(new Numbers().Uniform(Images * Features, -1, 1)), Images);
        Device.Synchronize();
        return head.ReadActive(Images).Examples;
    }

    [TestCase(MinedLossKind.BatchHard)]
    [TestCase(MinedLossKind.BatchHardSoft)]
    public void BatchHardTripletsWarmUpOnBatchAll(MinedLossKind kind)
    {
        Assert.That(Examples(kind, warmingUp: false), Is.EqualTo(Images), "one triplet per anchor");
        Assert.That(Examples(kind, warmingUp: true), Is.EqualTo(Images * 3 * 4), "every (positive, negative): 3 x 4 per anchor");
    }

    [TestCase(MinedLossKind.SemiHard, Images * 3)]
    [TestCase(MinedLossKind.BatchAll, Images * 3 * 4)]
    [TestCase(MinedLossKind.ContrastiveHardest, Images)]
    public void OtherMinedLossesIgnoreTheWarmUp(MinedLossKind kind, int examples) =>
        Assert.That(Examples(kind, warmingUp: true), Is.EqualTo(examples));
}
