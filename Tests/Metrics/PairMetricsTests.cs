using IlgpuSiamese.Training.Metrics;

namespace IlgpuSiamese.Tests.Metrics;

/// <summary>AUC, EER and threshold choice against small examples worked out by hand (in the comments).</summary>
public class PairMetricsTests
{
    // Scores from high to low: + + − + − −. Of the 9 (positive, negative) pairs, the positive is above in 8: AUC 8/9.
    // At threshold 0.7 one of three negatives is accepted and one of three positives rejected: EER 1/3.
    // Accuracy by cut: above 0.9: 3/6, 0.9: 4/6, 0.8: 5/6, 0.7: 4/6, 0.6: 5/6, 0.4: 4/6, 0.3: 3/6. The first best
    // cut keeps 0.9 and 0.8: the threshold is the midpoint of 0.8 and 0.7.
    private static readonly float[] Scores = [0.9f, 0.8f, 0.7f, 0.6f, 0.4f, 0.3f];
    private static readonly float[] Labels = [1, 1, 0, 1, 0, 0];

    [Test]
    public void RocHasOnePointPerDistinctScore()
    {
        var roc = PairMetrics.Roc(Scores, Labels);

        Assert.That(roc.Select(p => (p.FalsePositiveRate, p.TruePositiveRate)), Is.EqualTo(new[]
        {
            (0.0, 0.0), (0.0, 1 / 3.0), (0.0, 2 / 3.0), (1 / 3.0, 2 / 3.0), (1 / 3.0, 1.0), (2 / 3.0, 1.0), (1.0, 1.0),
        }).Using<(double, double)>((a, b) => Math.Abs(a.Item1 - b.Item1) < 1e-12 && Math.Abs(a.Item2 - b.Item2) < 1e-12));
        Assert.That(roc[0].Threshold, Is.EqualTo(double.PositiveInfinity));
        Assert.That(roc[^1].Threshold, Is.EqualTo(0.3f));
    }

    [Test]
    public void AucEerAndThresholdOfAWorkedExample()
    {
        Assert.That(PairMetrics.Auc(Scores, Labels), Is.EqualTo(8 / 9.0).Within(1e-12));
        Assert.That(PairMetrics.EqualErrorRate(Scores, Labels), Is.EqualTo(1 / 3.0).Within(1e-12));
        var threshold = PairMetrics.BestThreshold(Scores, Labels);
        Assert.That(threshold, Is.EqualTo((0.8 + 0.7) / 2).Within(1e-6));
        Assert.That(PairMetrics.Accuracy(Scores, Labels, threshold), Is.EqualTo(5 / 6.0).Within(1e-12));
        Assert.That(PairMetrics.Confusion(Scores, Labels, threshold), Is.EqualTo(new Confusion(TruePositives: 2, FalsePositives: 0, TrueNegatives: 3, FalseNegatives: 1)));
    }

    // + − tied at 0.6: Mann-Whitney counts that pair one half: (2 + 0.5 + 1) / 4 = 0.875.
    // ROC (0,0) (0,½) (½,1) (1,1): the error rates cross halfway along the tied segment, at FAR = FRR = ¼.
    // Cuts: above 0.9: 2/4, 0.9: 3/4, 0.6: 3/4, 0.2: 2/4; the first best is midway between 0.9 and 0.6.
    [Test]
    public void TiesCountOneHalf()
    {
        float[] scores = [0.9f, 0.6f, 0.6f, 0.2f];
        float[] labels = [1, 1, 0, 0];

        Assert.That(PairMetrics.Auc(scores, labels), Is.EqualTo(0.875).Within(1e-12));
        Assert.That(PairMetrics.EqualErrorRate(scores, labels), Is.EqualTo(0.25).Within(1e-12));
        Assert.That(PairMetrics.BestThreshold(scores, labels), Is.EqualTo((0.9 + 0.6) / 2).Within(1e-6));
    }

    [Test]
    public void AllScoresTiedIsChance()
    {
        float[] scores = [0.5f, 0.5f, 0.5f, 0.5f];
        float[] labels = [1, 0, 1, 0];

        Assert.That(PairMetrics.Auc(scores, labels), Is.EqualTo(0.5));
        Assert.That(PairMetrics.EqualErrorRate(scores, labels), Is.EqualTo(0.5));
    }

    // Every positive above every negative: AUC 1, EER 0, and the threshold halfway between the lowest
    // positive (0.8) and the highest negative (0.2).
    [Test]
    public void SeparableScores()
    {
        float[] scores = [0.2f, 0.9f, 0.1f, 0.8f];
        float[] labels = [0, 1, 0, 1];

        Assert.That(PairMetrics.Auc(scores, labels), Is.EqualTo(1.0));
        Assert.That(PairMetrics.EqualErrorRate(scores, labels), Is.EqualTo(0.0));
        Assert.That(PairMetrics.BestThreshold(scores, labels), Is.EqualTo(0.5).Within(1e-6));
        Assert.That(PairMetrics.Accuracy(scores, labels, 0.5), Is.EqualTo(1.0));
    }

    // Every negative above every positive: AUC 0, EER 1; calling everything "different" (a threshold
    // above the top score) is as good as any cut, and is the first.
    [Test]
    public void ReversedScores()
    {
        float[] scores = [0.9f, 0.1f];
        float[] labels = [0, 1];

        Assert.That(PairMetrics.Auc(scores, labels), Is.EqualTo(0.0));
        Assert.That(PairMetrics.EqualErrorRate(scores, labels), Is.EqualTo(1.0));
        Assert.That(PairMetrics.BestThreshold(scores, labels), Is.GreaterThan(0.9f));
        Assert.That(PairMetrics.Accuracy(scores, labels, PairMetrics.BestThreshold(scores, labels)), Is.EqualTo(0.5));
    }
}
