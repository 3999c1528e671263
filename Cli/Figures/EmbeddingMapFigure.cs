using IlgpuSiamese.Training.Maps;
using IlgpuSiamese.Training.Storage;
using ScottPlot;

namespace IlgpuSiamese.Cli.Figures;

/// <summary>Embeddings in the plane (<see cref="EmbeddingMap"/>), one colour per class, with a legend of the classes.</summary>
public static class EmbeddingMapFigure
{
    public static void Save(string path, EmbeddingMap map, int[] labels, IReadOnlyList<string> classNames, string title)
    {
        var plot = new Plot();
        var palette = classNames.Count <= 10 ? (IPalette)new ScottPlot.Palettes.Category10() : new ScottPlot.Palettes.Category20();
        // Dense maps get smaller, paler dots, so that a class drawn later does not bury one drawn before.
        var (size, alpha) = labels.Length > 2000 ? (3f, 0.55) : (6f, 0.85);
        for (var c = 0; c < classNames.Count; c++)
        {
            var members = Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).ToArray();
            if (members.Length == 0)
                continue;
            var dots = plot.Add.ScatterPoints(members.Select(i => (double)map.Points[2 * i]).ToArray(), members.Select(i => (double)map.Points[2 * i + 1]).ToArray());
            dots.MarkerSize = size;
            dots.MarkerShape = MarkerShape.FilledCircle;
            dots.Color = palette.GetColor(c).WithAlpha(alpha);
            dots.LegendText = $"{classNames[c]} ({members.Length:N0})";
        }
        plot.Title(title);
        plot.XLabel(map.XLabel);
        plot.YLabel(map.YLabel);
        plot.ShowLegend(Edge.Right);
        AtomicFile.Write(path, plot.GetImageBytes(1000, 800, ImageFormat.Png));
    }
}
