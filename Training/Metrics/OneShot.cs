using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Training.Metrics;

/// <summary>The outcome of N-way one-shot trials.</summary>
public sealed record OneShotResult(int Ways, int Trials, int Seed, double Accuracy);

/// <summary>
/// N-way one-shot classification (Koch et al. 2015): each trial is a query image and N support images,
/// one from each of N distinct classes, the query's class among them (another image of it). The query
/// is given the class of its most similar support image.
/// </summary>
public static class OneShot
{
    public const int MaxTrials = 100_000;

    /// <summary>
    /// The pairs of <paramref name="trials"/> seeded trials, trial after trial, N pairs each: (query,
    /// support), labelled 1 for the support of the query's class (always the trial's first pair).
    /// </summary>
    public static PairSet Trials(LabelledImages images, int ways, int trials, int seed)
    {
        var members = Enumerable.Range(0, images.ClassCount).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < images.Count; i++)
            members[images.Labels[i]].Add(i);
        var present = Enumerable.Range(0, images.ClassCount).Where(c => members[c].Count > 0).ToArray();
        var queryClasses = present.Where(c => members[c].Count > 1).ToArray();
        if (ways < 2 || ways > present.Length)
            throw new UserInputException($"{images.Name}: {ways}-way one-shot needs 2..{present.Length} ways (the classes with images)");
        if (queryClasses.Length == 0)
            throw new UserInputException($"{images.Name}: one-shot needs a class with two images (a query and its match)");
        if (trials is < 1 or > MaxTrials)
            throw new UserInputException($"--trials {trials} is outside 1..{MaxTrials:N0}");

        var random = new Random(seed);
        var (first, second, label) = (new int[trials * ways], new int[trials * ways], new float[trials * ways]);
        var others = new int[present.Length - 1];
        for (var t = 0; t < trials; t++)
        {
            var queryClass = queryClasses[random.Next(queryClasses.Length)];
            var own = members[queryClass];
            var query = random.Next(own.Count);
            var match = random.Next(own.Count - 1);
            var slot = t * ways;
            (first[slot], second[slot], label[slot]) = (own[query], own[match >= query ? match + 1 : match], 1f);
            present.Where(c => c != queryClass).ToArray().CopyTo(others, 0);
            for (var k = 1; k < ways; k++)
            {
                var pick = k - 1 + random.Next(others.Length - (k - 1));
                (others[k - 1], others[pick]) = (others[pick], others[k - 1]);
                var support = members[others[k - 1]];
                (first[slot + k], second[slot + k], label[slot + k]) = (own[query], support[random.Next(support.Count)], 0f);
            }
        }
        return new PairSet(first, second, label);
    }

    /// <summary>
    /// The fraction of trials (consecutive blocks of <paramref name="ways"/> pairs, one labelled 1) whose
    /// labelled pair scores highest; a tie at the top counts as a fair draw among the tied.
    /// </summary>
    public static double Accuracy(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, int ways)
    {
        var trials = scores.Length / ways;
        var correct = 0.0;
        for (var t = 0; t < trials; t++)
        {
            var block = scores.Slice(t * ways, ways);
            var match = block[labels.Slice(t * ways, ways).IndexOf(1f)];
            var (above, tied) = (0, 0);
            foreach (var score in block)
            {
                above += score > match ? 1 : 0;
                tied += score == match ? 1 : 0;
            }
            correct += above == 0 ? 1.0 / tied : 0;
        }
        return trials == 0 ? 0 : correct / trials;
    }
}
