using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Training;

/// <summary>
/// The training images minus a held-out twelfth (every 12th image of each class, so every class is in
/// both parts whatever the file's order) whose pairs choose the decision threshold. Test pairs are
/// never used for that.
/// </summary>
public static class ValidationSplit
{
    public const int Every = 12;

    public static (LabelledImages Fit, LabelledImages Validation) Of(LabelledImages train)
    {
        var held = HeldOut(train);
        var validation = Enumerable.Range(0, train.Count).Where(i => held[i]).ToArray();
        var fit = Enumerable.Range(0, train.Count).Where(i => !held[i]).ToArray();
        return (Subset(train, fit, train.Name), Subset(train, validation, $"{train.Name} (validation)"));
    }

    /// <summary>How many training images are left to fit the network on.</summary>
    public static int FitCount(LabelledImages train) => HeldOut(train).Count(h => !h);

    private static bool[] HeldOut(LabelledImages train)
    {
        var seenOfClass = new int[train.ClassCount];
        var held = new bool[train.Count];
        for (var i = 0; i < train.Count; i++)
            held[i] = ++seenOfClass[train.Labels[i]] % Every == 0;
        return held;
    }

    private static LabelledImages Subset(LabelledImages source, int[] indices, string name)
    {
        var size = source.Height * source.Width;
        var pixels = new byte[indices.Length * size];
        for (var i = 0; i < indices.Length; i++)
            source.Image(indices[i]).CopyTo(pixels.AsSpan(i * size, size));
        return new LabelledImages(name, source.Height, source.Width, pixels, indices.Select(i => source.Labels[i]).ToArray(), source.ClassNames);
    }
}
