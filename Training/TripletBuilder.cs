using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Training;

/// <summary>Anchor, positive (same class, another image) and negative (another class) image indices.</summary>
public sealed record TripletSet(int[] Anchor, int[] Positive, int[] Negative)
{
    public int Count => Anchor.Length;
}

/// <summary>One triplet per image as anchor, in a shuffled order; seeded by (seed, epoch).</summary>
public static class TripletBuilder
{
    public static TripletSet Build(LabelledImages images, int seed, int epoch = 0)
    {
        var random = new Random(HashSeed(seed, epoch));
        var byClass = Enumerable.Range(0, images.ClassCount).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < images.Count; i++)
            byClass[images.Labels[i]].Add(i);
        if (byClass.Count(c => c.Count > 0) < 2 || byClass.Any(c => c.Count == 1))
            throw new UserInputException($"{images.Name}: triplets need at least two classes and two images in every class.");
        var order = Enumerable.Range(0, images.Count).ToArray();
        random.Shuffle(order);
        var anchor = new int[order.Length];
        var positive = new int[order.Length];
        var negative = new int[order.Length];
        for (var t = 0; t < order.Length; t++)
        {
            var a = order[t];
            var own = byClass[images.Labels[a]];
            var p = own[random.Next(own.Count - 1)];
            anchor[t] = a;
            positive[t] = p == a ? own[^1] : p;
            int n;
            do
                n = random.Next(images.Count);
            while (images.Labels[n] == images.Labels[a]);
            negative[t] = n;
        }
        return new TripletSet(anchor, positive, negative);
    }

    private static int HashSeed(int seed, int epoch) => unchecked(seed * 1_000_003 + epoch * 7919 + 17);
}
