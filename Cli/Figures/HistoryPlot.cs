using IlgpuSiamese.Training;
using ScottPlot;

namespace IlgpuSiamese.Cli.Figures;

/// <summary>The original's "Training Loss and Accuracy" figure: four curves against the epoch.</summary>
public static class HistoryPlot
{
    public static void Save(string path, IReadOnlyList<EpochRecord> history, string subtitle)
    {
        var plot = new Plot();
        var epochs = history.Select(r => r.Epoch).ToArray();
        void Line(Func<EpochRecord, double> value, string name, Color color, LinePattern pattern)
        {
            var line = plot.Add.Scatter(epochs, history.Select(value).ToArray());
            line.LegendText = name;
            line.Color = color;
            line.LinePattern = pattern;
            line.LineWidth = 2;
            line.MarkerSize = history.Count > 40 ? 0 : 5;
        }
        Line(r => r.TrainLoss, "train_loss", Colors.Red, LinePattern.Solid);
        Line(r => r.ValLoss, "val_loss", Colors.Blue, LinePattern.Solid);
        Line(r => r.TrainAccuracy, "train_acc", Colors.Red, LinePattern.Dashed);
        Line(r => r.ValAccuracy, "val_acc", Colors.Blue, LinePattern.Dashed);
        plot.Title($"Training Loss and Accuracy\n{subtitle}");
        plot.XLabel("Epoch #");
        plot.YLabel("Loss/Accuracy");
        plot.ShowLegend(Alignment.MiddleRight);
        AtomicFile.Write(path, plot.GetImageBytes(900, 600, ImageFormat.Png));
    }
}
