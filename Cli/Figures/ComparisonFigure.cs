using IlgpuSiamese.Cli.Commands;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Cli.Figures;

/// <summary>
/// Compared pairs as a montage of the images the model saw (fitted, light on dark). One pair is drawn
/// large under the original's title "Similarity: 0.87"; several make a grid, each cell labelled with its
/// similarity, green when called same and red when called different, and the two file names.
/// </summary>
public static class ComparisonFigure
{
    private const int SingleTile = 280;

    /// <summary>The figure as a PNG file's bytes; <paramref name="gridTitle"/> heads a grid (one pair's title is its similarity).</summary>
    public static byte[] Png(LabelledImages images, PairSet pairs, IReadOnlyList<CompareCommand.Compared> compared, double threshold, string gridTitle)
    {
        var legend = new[] { ($"same: similarity ≥ {threshold:0.##}", PairMontage.Positive), ("different", PairMontage.Negative) };
        if (compared.Count == 1)
        {
            var pair = compared[0];
            var cell = new MontageCell(pairs.First[0], pairs.Second[0], pair.Same ? "same" : "different", Colour(pair), Names(pair));
            return PairMontage.Png(images, [cell], $"Similarity: {pair.Similarity:0.00}", legend, SingleTile);
        }
        var cells = compared.Select((pair, p) => new MontageCell(pairs.First[p], pairs.Second[p], $"{pair.Similarity:0.00}", Colour(pair), Names(pair))).ToList();
        return PairMontage.Png(images, cells, gridTitle, legend);
    }

    private static SkiaSharp.SKColor Colour(CompareCommand.Compared pair) => pair.Same ? PairMontage.Positive : PairMontage.Negative;

    private static string Names(CompareCommand.Compared pair) =>
        $"{Path.GetFileNameWithoutExtension(pair.First)} | {Path.GetFileNameWithoutExtension(pair.Second)}";
}
