using IlgpuSiamese.Cli.Commands;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Cli.Figures;

/// <summary>
/// A search as a montage (<see cref="PairMontage"/>): in each cell the query (image 0) beside one of its nearest images,
/// in rank order, labelled with the similarity, green when the model calls the pair same and red otherwise, and its rank and file name.
/// </summary>
public static class SearchFigure
{
    /// <summary>The figure as a PNG file's bytes; image r + 1 of <paramref name="images"/> is the image of <paramref name="found"/>[r].</summary>
    public static byte[] Png(LabelledImages images, IReadOnlyList<SearchCommand.Found> found, double threshold, string title)
    {
        var legend = new[] { ($"same: similarity ≥ {threshold:0.##}", PairMontage.Positive), ("different", PairMontage.Negative) };
        var cells = found.Select((f, r) => new MontageCell(0, r + 1, $"{f.Similarity:0.00}",
            f.Similarity >= threshold ? PairMontage.Positive : PairMontage.Negative,
            $"#{r + 1} {Path.GetFileNameWithoutExtension(f.File)}")).ToList();
        return PairMontage.Png(images, cells, title, legend);
    }
}
