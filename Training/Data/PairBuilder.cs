using IlgpuSiamese.Network;

namespace IlgpuSiamese.Training.Data;

/// <summary>
/// The original pairing: for each image, pairsPerImage times, one positive (another image of its class,
/// never itself) and one negative (an image of a random other class, uniform over classes, then over its
/// images). Labels are exactly balanced; the pairs come shuffled. The same (seed, epoch) gives the same pairs.
/// </summary>
public static class PairBuilder
{
    public static PairSet Build(LabelledImages images, int seed, int pairsPerImage = 1, int epoch = 0)
    {
        if (pairsPerImage < 1)
            throw new UserInputException($"pairs per image must be at least 1, not {pairsPerImage}");
        var (members, position) = GroupByClass(images);
        var classes = Enumerable.Range(0, images.ClassCount).Where(c => members[c].Count > 0).ToArray();
        if (classes.Length < 2)
            throw new UserInputException($"{images.Name}: images of {classes.Length} class(es); negative pairs need at least two classes");
        if (classes.FirstOrDefault(c => members[c].Count < 2, -1) is var single and >= 0)
            throw new UserInputException($"{images.Name}: class '{images.ClassNames[single]}' has only one image; a positive pair needs two");

        var random = new Random(MixSeed(seed, epoch));
        var count = images.Count * pairsPerImage * 2;
        var (first, second, label) = (new int[count], new int[count], new float[count]);
        var slot = 0;
        for (var i = 0; i < images.Count; i++)
        {
            var own = members[images.Labels[i]];
            var ownRank = Array.IndexOf(classes, images.Labels[i]);
            for (var k = 0; k < pairsPerImage; k++)
            {
                var other = random.Next(own.Count - 1);
                (first[slot], second[slot], label[slot]) = (i, own[other >= position[i] ? other + 1 : other], 1f);
                slot++;
                var rank = random.Next(classes.Length - 1);
                var negatives = members[classes[rank >= ownRank ? rank + 1 : rank]];
                (first[slot], second[slot], label[slot]) = (i, negatives[random.Next(negatives.Count)], 0f);
                slot++;
            }
        }
        Shuffle(random, first, second, label);
        return new PairSet(first, second, label);
    }

    private static (List<int>[] Members, int[] Position) GroupByClass(LabelledImages images)
    {
        var members = Enumerable.Range(0, images.ClassCount).Select(_ => new List<int>()).ToArray();
        var position = new int[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            position[i] = members[images.Labels[i]].Count;
            members[images.Labels[i]].Add(i);
        }
        return (members, position);
    }

    private static void Shuffle(Random random, int[] first, int[] second, float[] label)
    {
        for (var i = first.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (first[i], first[j]) = (first[j], first[i]);
            (second[i], second[j]) = (second[j], second[i]);
            (label[i], label[j]) = (label[j], label[i]);
        }
    }

    /// <summary>SplitMix64 of (seed, epoch): a stable seed per epoch (HashCode.Combine changes between processes).</summary>
    private static int MixSeed(int seed, int epoch)
    {
        var z = ((ulong)(uint)seed << 32 | (uint)epoch) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }
}
