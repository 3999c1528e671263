namespace IlgpuSiamese.Training.Metrics;

/// <summary>A 2×2 confusion matrix of same (positive) / different (negative) decisions.</summary>
public readonly record struct Confusion(int TruePositives, int FalsePositives, int TrueNegatives, int FalseNegatives)
{
    public int Count => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;
    public double Accuracy => Count == 0 ? 0 : (double)(TruePositives + TrueNegatives) / Count;
}

/// <summary>One point of a ROC curve: at scores ≥ Threshold, the rates of accepted positives and negatives.</summary>
public readonly record struct RocPoint(double Threshold, double FalsePositiveRate, double TruePositiveRate);

/// <summary>
/// Verification metrics on similarity scores (higher = more alike) against labels (1 = same).
/// A pair is called "same" when its score is at least the threshold.
/// </summary>
public static class PairMetrics
{
    public static Confusion Confusion(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, double threshold)
    {
        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            var same = scores[i] >= threshold;
            var positive = labels[i] > 0.5f;
            if (same && positive) tp++;
            else if (same) fp++;
            else if (positive) fn++;
            else tn++;
        }
        return new Confusion(tp, fp, tn, fn);
    }

    public static double Accuracy(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, double threshold) =>
        Confusion(scores, labels, threshold).Accuracy;

    /// <summary>
    /// ROC curve from the highest threshold down: one point per distinct score, starting at (0, 0)
    /// (threshold +∞) and ending at (1, 1).
    /// </summary>
    public static IReadOnlyList<RocPoint> Roc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        var order = Enumerable.Range(0, scores.Length).ToArray();
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        Array.Reverse(keys);
        Array.Reverse(order);
        var positives = 0;
        foreach (var label in labels)
            positives += label > 0.5f ? 1 : 0;
        var negatives = scores.Length - positives;
        var points = new List<RocPoint> { new(double.PositiveInfinity, 0, 0) };
        int tp = 0, fp = 0;
        for (var i = 0; i < keys.Length; i++)
        {
            if (labels[order[i]] > 0.5f) tp++;
            else fp++;
            if (i + 1 < keys.Length && keys[i + 1] == keys[i])
                continue;
            points.Add(new RocPoint(keys[i], negatives == 0 ? 0 : (double)fp / negatives, positives == 0 ? 0 : (double)tp / positives));
        }
        return points;
    }

    /// <summary>Area under the ROC curve by the trapezoid rule (ties count one half, as Mann-Whitney's U does).</summary>
    public static double Auc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        var roc = Roc(scores, labels);
        var area = 0.0;
        for (var i = 1; i < roc.Count; i++)
            area += (roc[i].FalsePositiveRate - roc[i - 1].FalsePositiveRate) * (roc[i].TruePositiveRate + roc[i - 1].TruePositiveRate) / 2;
        return area;
    }

    /// <summary>
    /// Equal error rate: where the false accept rate equals the false reject rate (1 − TPR),
    /// interpolated linearly between the two ROC points that bracket the crossing.
    /// </summary>
    public static double EqualErrorRate(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        var roc = Roc(scores, labels);
        for (var i = 1; i < roc.Count; i++)
        {
            var before = roc[i - 1].FalsePositiveRate - (1 - roc[i - 1].TruePositiveRate);
            var after = roc[i].FalsePositiveRate - (1 - roc[i].TruePositiveRate);
            if (before <= 0 && after >= 0)
            {
                var t = after == before ? 0 : -before / (after - before);
                var far = roc[i - 1].FalsePositiveRate + t * (roc[i].FalsePositiveRate - roc[i - 1].FalsePositiveRate);
                var frr = 1 - (roc[i - 1].TruePositiveRate + t * (roc[i].TruePositiveRate - roc[i - 1].TruePositiveRate));
                return (far + frr) / 2;
            }
        }
        return 0.5;
    }

    /// <summary>
    /// The threshold that maximises accuracy on these (validation) pairs: the midpoint between the two
    /// distinct scores where the best cut lies, so it generalises to unseen scores.
    /// </summary>
    public static double BestThreshold(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        var roc = Roc(scores, labels);
        var positives = 0;
        foreach (var label in labels)
            positives += label > 0.5f ? 1 : 0;
        var negatives = scores.Length - positives;
        var best = 0;
        var bestCorrect = -1.0;
        for (var i = 0; i < roc.Count; i++)
        {
            var correct = roc[i].TruePositiveRate * positives + (1 - roc[i].FalsePositiveRate) * negatives;
            if (correct > bestCorrect)
            {
                bestCorrect = correct;
                best = i;
            }
        }
        if (best == 0)
            return roc.Count > 1 ? roc[1].Threshold + 1e-6 : 0.5;
        return best + 1 < roc.Count ? (roc[best].Threshold + roc[best + 1].Threshold) / 2 : roc[best].Threshold;
    }
}
