using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Tests.Data;

public class PairBuilderTests
{
    private static LabelledImages Images(params int[] perClass)
    {
        var labels = perClass.SelectMany((n, c) => Enumerable.Repeat(c, n)).ToArray();
        return new LabelledImages("test", 2, 2, new byte[labels.Length * 4], labels, perClass.Select((_, c) => $"class{c}").ToList());
    }

    [TestCase(1)]
    [TestCase(3)]
    public void LabelsAreExactlyBalancedAndCorrect(int pairsPerImage)
    {
        var images = Images(7, 3, 12, 5);
        var pairs = PairBuilder.Build(images, seed: 5, pairsPerImage);

        Assert.That(pairs.Count, Is.EqualTo(images.Count * pairsPerImage * 2));
        Assert.That(pairs.Label.Count(l => l == 1f), Is.EqualTo(images.Count * pairsPerImage));
        Assert.That(pairs.Label.Count(l => l == 0f), Is.EqualTo(images.Count * pairsPerImage));
        for (var p = 0; p < pairs.Count; p++)
        {
            var same = images.Labels[pairs.First[p]] == images.Labels[pairs.Second[p]];
            Assert.That(pairs.Label[p], Is.EqualTo(same ? 1f : 0f), $"pair {p}");
            Assert.That(pairs.First[p], Is.Not.EqualTo(pairs.Second[p]), $"pair {p} pairs an image with itself");
        }
        var asFirst = pairs.First.CountBy(i => i).ToDictionary();
        Assert.That(Enumerable.Range(0, images.Count).All(i => asFirst[i] == 2 * pairsPerImage), "every image anchors one positive and one negative per draw");
    }

    [Test]
    public void PairsComeShuffled()
    {
        var pairs = PairBuilder.Build(Images(50, 50), seed: 1);
        Assert.That(pairs.First, Is.Not.Ordered);
        Assert.That(pairs.Label.Take(20).Distinct().Count(), Is.EqualTo(2));
    }

    [Test]
    public void NegativesSpreadEvenlyOverTheOtherClasses()
    {
        var images = Images(300, 300, 300, 300);
        var pairs = PairBuilder.Build(images, seed: 3, pairsPerImage: 2);
        var negatives = Enumerable.Range(0, pairs.Count).Where(p => pairs.Label[p] == 0f).ToList();
        var perClass = negatives.CountBy(p => images.Labels[pairs.Second[p]]).ToDictionary();
        Assert.That(perClass.Values, Has.All.InRange(negatives.Count / 4 * 0.9, negatives.Count / 4 * 1.1));
    }

    [Test]
    public void SameSeedAndEpochGiveTheSamePairs()
    {
        var images = Images(20, 20, 20);
        var a = PairBuilder.Build(images, seed: 42, pairsPerImage: 2, epoch: 3);
        var b = PairBuilder.Build(images, seed: 42, pairsPerImage: 2, epoch: 3);
        Assert.That((a.First, a.Second, a.Label), Is.EqualTo((b.First, b.Second, b.Label)));
    }

    [Test]
    public void OtherEpochsAndSeedsGiveOtherPairs()
    {
        var images = Images(20, 20, 20);
        var first = PairBuilder.Build(images, seed: 42, epoch: 0);
        var redrawn = PairBuilder.Build(images, seed: 42, epoch: 1);
        var reseeded = PairBuilder.Build(images, seed: 43, epoch: 0);
        Assert.That(redrawn.Second, Is.Not.EqualTo(first.Second));
        Assert.That(reseeded.Second, Is.Not.EqualTo(first.Second));
        Assert.That(Overlap(first, redrawn), Is.LessThan(0.5), "a redraw should share few pairs with the first draw");
    }

    [Test]
    public void OneClassIsAnError()
    {
        var error = Assert.Throws<UserInputException>(() => PairBuilder.Build(Images(10, 0), seed: 1))!;
        Assert.That(error.Message, Does.Contain("at least two classes"));
    }

    [Test]
    public void ClassWithOneImageIsAnError()
    {
        var error = Assert.Throws<UserInputException>(() => PairBuilder.Build(Images(10, 1, 4), seed: 1))!;
        Assert.That(error.Message, Does.Contain("class 'class1' has only one image"));
    }

    [Test]
    public void EmptyClassesAreIgnored()
    {
        var images = Images(4, 0, 4);
        var pairs = PairBuilder.Build(images, seed: 1);
        Assert.That(pairs.Second.Select(i => images.Labels[i]), Has.None.EqualTo(1));
    }

    [Test]
    public void PairsPerImageBelowOneIsAnError() =>
        Assert.Throws<UserInputException>(() => PairBuilder.Build(Images(3, 3), seed: 1, pairsPerImage: 0));

    private static double Overlap(PairSet a, PairSet b)
    {
        var set = Enumerable.Range(0, a.Count).Select(p => (a.First[p], a.Second[p])).ToHashSet();
        return Enumerable.Range(0, b.Count).Count(p => set.Contains((b.First[p], b.Second[p]))) / (double)b.Count;
    }
}
