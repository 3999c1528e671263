using IlgpuSiamese.Network;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Tests.Training;

/// <summary>Balanced batches for mining: P distinct classes x K images, interleaved, seeded, every image dealt evenly.</summary>
public class BalancedBatchesTests
{
    private const int Classes = 7, PerClass = 13, P = 4, K = 5;

    /// <summary>Class c has <see cref="PerClass"/> + c images, so the classes are of unequal size.</summary>
    private static LabelledImages Images(int classes = Classes)
    {
        var labels = Enumerable.Range(0, classes).SelectMany(c => Enumerable.Repeat(c, PerClass + c)).ToArray();
        new Random(5).Shuffle(labels);
        return new LabelledImages("tiny set", 2, 2, new byte[labels.Length * 4], labels, Enumerable.Range(0, classes).Select(c => $"c{c}").ToList());
    }

    [Test]
    public void EachBatchHoldsPDistinctClassesOfKImagesInterleaved()
    {
        var images = Images();
        const int batches = 40;
        var order = BalancedBatches.Build(images, P, K, batches, seed: 3, epoch: 0);
        Assert.That(order, Has.Length.EqualTo(batches * P * K));
        for (var b = 0; b < batches; b++)
        {
            var batch = order.AsSpan(b * P * K, P * K).ToArray();
            var classes = batch.Take(P).Select(i => images.Labels[i]).ToArray();
            Assert.That(classes, Is.Unique, $"batch {b}: P distinct classes");
            for (var j = 0; j < batch.Length; j++)
                Assert.That(images.Labels[batch[j]], Is.EqualTo(classes[j % P]), $"batch {b}, image {j}: of the batch's class {j} mod P");
            Assert.That(batch, Is.Unique, $"batch {b}: no image twice (every class has more than K images)");
        }
    }

    [Test]
    public void IsReproducibleForASeedAndDiffersAcrossSeedsAndEpochs()
    {
        var images = Images();
        var first = BalancedBatches.Build(images, P, K, 10, seed: 3, epoch: 1);
        Assert.That(BalancedBatches.Build(images, P, K, 10, seed: 3, epoch: 1), Is.EqualTo(first).AsCollection, "same seed and epoch, same batches");
        Assert.That(BalancedBatches.Build(images, P, K, 10, seed: 4, epoch: 1), Is.Not.EqualTo(first).AsCollection, "another seed");
        Assert.That(BalancedBatches.Build(images, P, K, 10, seed: 3, epoch: 2), Is.Not.EqualTo(first).AsCollection, "another epoch");
    }

    [Test]
    public void WithinAClassEveryImageIsDealtAsOftenAsAnotherWithinOne()
    {
        var images = Images();
        var order = BalancedBatches.Build(images, P, K, 60, seed: 8, epoch: 0);
        var counts = new int[images.Count];
        foreach (var i in order)
            counts[i]++;
        for (var c = 0; c < Classes; c++)
        {
            var perImage = Enumerable.Range(0, images.Count).Where(i => images.Labels[i] == c).Select(i => counts[i]).ToArray();
            Assert.That(perImage.Max() - perImage.Min(), Is.LessThanOrEqualTo(1), $"class {c}: counts {string.Join(",", perImage)}");
            Assert.That(perImage.Min(), Is.GreaterThan(0), $"class {c}: every image dealt in 60 batches");
        }
    }

    [Test]
    public void RefusesTooFewClassesNamingTheDataset()
    {
        var images = Images(classes: 3);
        var error = Assert.Throws<UserInputException>(() => BalancedBatches.Build(images, P, K, 1, seed: 1, epoch: 0))!;
        Assert.That(error.Message, Does.Contain("tiny set").And.Contain("--classes-per-batch 4").And.Contain("it has 3"));
    }
}
