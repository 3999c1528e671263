using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Data;
using IlgpuSiamese.Training.Metrics;

namespace IlgpuSiamese.Tests.Metrics;

public class OneShotTests
{
    /// <summary>perClass images of each class; the pixels don't matter here.</summary>
    private static LabelledImages Classes(int classes, int perClass) =>
        new("classes", 1, 1, new byte[classes * perClass], Enumerable.Range(0, classes * perClass).Select(i => i / perClass).ToArray(),
            Enumerable.Range(0, classes).Select(c => $"c{c}").ToArray());

    [Test]
    public void EachTrialIsAQueryAndOneSupportFromEachOfNDistinctClasses()
    {
        var images = Classes(classes: 6, perClass: 3);

        var pairs = OneShot.Trials(images, ways: 4, trials: 300, seed: 7);

        Assert.That(pairs.Count, Is.EqualTo(1200));
        for (var t = 0; t < 300; t++)
        {
            var block = Enumerable.Range(t * 4, 4).ToArray();
            var query = pairs.First[block[0]];
            Assert.That(block.Select(p => pairs.First[p]), Is.All.EqualTo(query), $"trial {t}: one query");
            Assert.That(block.Select(p => images.Labels[pairs.Second[p]]), Is.Unique, $"trial {t}: distinct classes");
            Assert.That(block.Select(p => pairs.Label[p]), Is.EqualTo(new[] { 1f, 0f, 0f, 0f }));
            Assert.That(images.Labels[pairs.Second[block[0]]], Is.EqualTo(images.Labels[query]), $"trial {t}: the query's class");
            Assert.That(pairs.Second[block[0]], Is.Not.EqualTo(query), $"trial {t}: another image of it");
        }
        var queryClasses = Enumerable.Range(0, 300).Select(t => images.Labels[pairs.First[t * 4]]).Distinct().Count();
        Assert.That(queryClasses, Is.EqualTo(6), "queries come from every class");
    }

    [Test]
    public void TrialsAreSeeded()
    {
        var images = Classes(classes: 5, perClass: 4);

        var a = OneShot.Trials(images, 5, 50, seed: 1);
        var b = OneShot.Trials(images, 5, 50, seed: 1);
        var c = OneShot.Trials(images, 5, 50, seed: 2);

        Assert.That((a.First, a.Second), Is.EqualTo((b.First, b.Second)));
        Assert.That(a.Second, Is.Not.EqualTo(c.Second));
    }

    [TestCase(1)]
    [TestCase(6)]
    public void WaysOutsideTwoToTheClassCountAreRefused(int ways)
    {
        var error = Assert.Throws<UserInputException>(() => OneShot.Trials(Classes(5, 3), ways, 10, seed: 1))!;
        Assert.That(error.Message, Does.Contain($"{ways}-way").And.Contain("2..5"));
    }

    // Trials of three: right (0.9 tops), wrong (0.7 beats 0.4), a two-way tie at the top (half), right with the match second.
    [Test]
    public void AccuracyOfWorkedTrials()
    {
        float[] scores = [0.9f, 0.5f, 0.2f, 0.4f, 0.7f, 0.1f, 0.6f, 0.6f, 0.1f, 0.1f, 0.8f, 0.3f];
        float[] labels = [1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1, 0];

        Assert.That(OneShot.Accuracy(scores, labels, ways: 3), Is.EqualTo((1 + 0 + 0.5 + 1) / 4));
    }
}
