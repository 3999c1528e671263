using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Oracle;

/// <summary>
/// The float64 answer key for <see cref="MinedLoss"/>, written as the definitions read: the examples of each
/// <see cref="MinedLossKind"/> listed explicitly, their losses averaged, and the gradient of that average.
/// </summary>
public static class MinedLossReference
{
    /// <summary>One mined example: anchor, positive, negative and its loss; for contrastive, the positive and the negative pair.</summary>
    public sealed record Example(int Anchor, int Positive, int Negative, double Loss, bool Active);

    public sealed record Result(double[] Squared, double[] AnchorLoss, double[] Examples, double[] Active, double Scale, double[] Loss, List<Example> Chosen);

    private static double Distance(double squared) => Math.Sqrt(Math.Max(squared, EuclideanDistanceReference.SquaredDistanceFloor));

    public static double[] Squared(double[] e, MinedLossShape s)
    {
        var squared = new double[s.MatrixLength];
        for (var i = 0; i < s.Batch; i++)
        for (var j = 0; j < s.Batch; j++)
        {
            var sum = 0.0;
            for (var k = 0; k < s.Features; k++)
                sum += (e[i * s.Features + k] - e[j * s.Features + k]) * (e[i * s.Features + k] - e[j * s.Features + k]);
            squared[i * s.Batch + j] = sum;
        }
        return squared;
    }

    public static Result Forward(double[] e, double[] labels, MinedLossShape s)
    {
        var squared = Squared(e, s);
        double D(int i, int j) => Distance(squared[i * s.Batch + j]);
        var positives = (int i) => Enumerable.Range(0, s.Batch).Where(j => j != i && labels[j] == labels[i]).ToList();
        var negatives = (int i) => Enumerable.Range(0, s.Batch).Where(j => labels[j] != labels[i]).ToList();
        // The first index among equals, as the kernel's strict comparisons in index order choose.
        int ArgBest(List<int> candidates, Func<int, double> key, bool largest) =>
            candidates.Aggregate(-1, (best, j) => best < 0 || (largest ? key(j) > key(best) : key(j) < key(best)) ? j : best);

        var chosen = new List<Example>();
        Example Triplet(int a, int p, int n) => new(a, p, n, Math.Max(D(a, p) - D(a, n) + s.Margin, 0), D(a, p) - D(a, n) + s.Margin > 0);
        for (var a = 0; a < s.Batch; a++)
        {
            var (pos, neg) = (positives(a), negatives(a));
            if (pos.Count == 0 || neg.Count == 0)
                continue;
            switch (s.Kind)
            {
                case MinedLossKind.BatchHard:
                    chosen.Add(Triplet(a, ArgBest(pos, j => D(a, j), true), ArgBest(neg, j => D(a, j), false)));
                    break;
                case MinedLossKind.BatchHardSoft:
                    var (hardP, hardN) = (ArgBest(pos, j => D(a, j), true), ArgBest(neg, j => D(a, j), false));
                    var x = D(a, hardP) - D(a, hardN);
                    chosen.Add(new Example(a, hardP, hardN, Math.Log(1 + Math.Exp(x)), x >= 0));
                    break;
                case MinedLossKind.ContrastiveHardest:
                    var (p, n) = (ArgBest(pos, j => D(a, j), true), ArgBest(neg, j => D(a, j), false));
                    var gap = Math.Max(s.Margin - D(a, n), 0);
                    chosen.Add(new Example(a, p, n, D(a, p) * D(a, p) + gap * gap, gap > 0));
                    break;
                case MinedLossKind.SemiHard:
                    foreach (var positive in pos)
                    {
                        var farther = neg.Where(j => D(a, j) > D(a, positive)).ToList();
                        var negative = farther.Count > 0 ? ArgBest(farther, j => D(a, j), false) : ArgBest(neg, j => D(a, j), true);
                        chosen.Add(Triplet(a, positive, negative));
                    }
                    break;
                default:
                    chosen.AddRange(pos.SelectMany(positive => neg.Select(negative => Triplet(a, positive, negative))));
                    break;
            }
        }

        var perAnchor = (Func<Example, double> value) => Enumerable.Range(0, s.Batch).Select(a => chosen.Where(x => x.Anchor == a).Sum(value)).ToArray();
        var anchorLoss = perAnchor(x => x.Loss);
        var examples = perAnchor(x => s.Kind == MinedLossKind.ContrastiveHardest ? 2 : 1);
        var active = perAnchor(x => x.Active ? 1 : 0);
        var scale = 1 / Math.Max(s.Kind == MinedLossKind.BatchAll ? active.Sum() : examples.Sum(), 1);
        return new Result(squared, anchorLoss, examples, active, scale, anchorLoss.Select(l => s.Batch * scale * l).ToArray(), chosen);
    }

    /// <summary>The batch loss: the mean of <see cref="Result.Loss"/>.</summary>
    public static double BatchLoss(double[] e, double[] labels, MinedLossShape s) => Forward(e, labels, s).Loss.Average();

    /// <summary>d(batch loss)/de with the selection held fixed (it is piecewise constant in e).</summary>
    public static double[] Backward(double[] e, double[] labels, MinedLossShape s)
    {
        var forward = Forward(e, labels, s);
        var dE = new double[s.InputLength];
        // dD[i,j]/de_i = (e_i - e_j)/D[i,j], and the same for e_j with the sign turned; nothing flows under the floor.
        void AddDistanceGradient(int i, int j, double dLossdD)
        {
            var squared = forward.Squared[i * s.Batch + j];
            if (squared < EuclideanDistanceReference.SquaredDistanceFloor)
                return;
            for (var k = 0; k < s.Features; k++)
            {
                var g = dLossdD * (e[i * s.Features + k] - e[j * s.Features + k]) / Distance(squared);
                dE[i * s.Features + k] += g;
                dE[j * s.Features + k] -= g;
            }
        }
        foreach (var x in forward.Chosen)
        {
            if (s.Kind == MinedLossKind.ContrastiveHardest)
            {
                var dn = Distance(forward.Squared[x.Anchor * s.Batch + x.Negative]);
                AddDistanceGradient(x.Anchor, x.Positive, forward.Scale * 2 * Distance(forward.Squared[x.Anchor * s.Batch + x.Positive]));
                AddDistanceGradient(x.Anchor, x.Negative, -forward.Scale * 2 * Math.Max(s.Margin - dn, 0));
            }
            else if (s.Kind == MinedLossKind.BatchHardSoft)
            {
                // d softplus(x)/dx = sigmoid(x), active or not.
                var slope = 1 / (1 + Math.Exp(Distance(forward.Squared[x.Anchor * s.Batch + x.Negative]) - Distance(forward.Squared[x.Anchor * s.Batch + x.Positive])));
                AddDistanceGradient(x.Anchor, x.Positive, forward.Scale * slope);
                AddDistanceGradient(x.Anchor, x.Negative, -forward.Scale * slope);
            }
            else if (x.Active)
            {
                AddDistanceGradient(x.Anchor, x.Positive, forward.Scale);
                AddDistanceGradient(x.Anchor, x.Negative, -forward.Scale);
            }
        }
        return dE;
    }
}
