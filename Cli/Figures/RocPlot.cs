using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Storage;
using IlgpuSiamese.Training.Metrics;
using ScottPlot;

namespace IlgpuSiamese.Cli.Figures;

/// <summary>The ROC curve (true positive rate against false positive rate) with the chance diagonal.</summary>
public static class RocPlot
{
    public static void Save(string path, IReadOnlyList<RocPoint> roc, string title)
    {
        var plot = new Plot();
        var curve = plot.Add.Scatter(roc.Select(p => p.FalsePositiveRate).ToArray(), roc.Select(p => p.TruePositiveRate).ToArray());
        curve.MarkerSize = 0;
        curve.LineWidth = 2;
        curve.LegendText = "model";
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LinePattern = LinePattern.Dashed;
        chance.Color = Colors.Gray;
        chance.LegendText = "chance";
        plot.Title(title);
        plot.XLabel("False positive rate");
        plot.YLabel("True positive rate");
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        plot.ShowLegend(Alignment.LowerRight);
        AtomicFile.Write(path, plot.GetImageBytes(700, 600, ImageFormat.Png));
    }
}
