using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Training;

/// <summary>
/// Batches of P classes x K images for mining, seeded by (seed, epoch): each batch draws P distinct classes, and each
/// class deals its images from its own shuffled deck, reshuffled when spent, so an epoch sees every image about once,
/// and a batch holds no image twice while its class has K images or more. Within a batch the classes interleave (image b is of the batch's class b mod P).
/// </summary>
public static class BalancedBatches
{
    /// <summary>The image indices of <paramref name="batches"/> batches, batch after batch.</summary>
    public static int[] Build(LabelledImages images, int classesPerBatch, int imagesPerClass, int batches, int seed, int epoch)
    {
        var random = new Random(unchecked(seed * 1_000_003 + epoch * 7919 + 29));
        var byClass = Enumerable.Range(0, images.ClassCount).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < images.Count; i++)
            byClass[images.Labels[i]].Add(i);
        var usable = Enumerable.Range(0, byClass.Length).Where(c => byClass[c].Count >= 2).ToArray();
        if (usable.Length < classesPerBatch)
            throw new UserInputException($"{images.Name}: --classes-per-batch {classesPerBatch} needs that many classes with two images or more; it has {usable.Length}.");
        var decks = byClass.Select(c => new Deck(c.ToArray(), random)).ToArray();
        var batchSize = classesPerBatch * imagesPerClass;
        var order = new int[batches * batchSize];
        for (var b = 0; b < batches; b++)
        {
            var classes = usable.ToArray();
            for (var p = 0; p < classesPerBatch; p++)
            {
                var pick = random.Next(p, classes.Length);
                (classes[p], classes[pick]) = (classes[pick], classes[p]);
                var dealt = decks[classes[p]].Deal(imagesPerClass);
                for (var k = 0; k < imagesPerClass; k++)
                    order[b * batchSize + k * classesPerBatch + p] = dealt[k];
            }
        }
        return order;
    }

    /// <summary>
    /// A class's images, dealt in shuffled passes: every image once per pass, so counts differ by at most one. A hand that
    /// spans two passes takes the new pass's images it does not already hold first, so a batch repeats no image while
    /// the class has enough.
    /// </summary>
    private sealed class Deck(int[] cards, Random random)
    {
        private int dealt = cards.Length;

        public int[] Deal(int count)
        {
            var hand = new int[count];
            for (var k = 0; k < count; k++)
            {
                if (dealt == cards.Length)
                    NewPass(hand.AsSpan(0, k));
                hand[k] = cards[dealt++];
            }
            return hand;
        }

        private void NewPass(ReadOnlySpan<int> held)
        {
            random.Shuffle(cards);
            var heldSet = held.ToArray();
            var reordered = cards.Where(c => !heldSet.Contains(c)).Concat(cards.Where(c => heldSet.Contains(c))).ToArray();
            reordered.CopyTo(cards, 0);
            dealt = 0;
        }
    }
}
