using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Storage;
using ScottPlot;

namespace IlgpuSiamese.Cli.Figures;

/// <summary>
/// The original's "Training Loss and Accuracy" figure: four curves against the epoch (a fifth with mining: the fraction
/// of mined examples that still had a loss), and, for the keras preset
/// with BCE (the original's recipe), the original run's published test-pair accuracies as markers beside ours.
/// </summary>
public static class HistoryPlot
{
    /// <summary>The original Keras project's test-pair accuracy: 0.750 after epoch 1, 0.884 (its best) at 58, 0.872 at 100.</summary>
    public static readonly (double Epoch, double Accuracy)[] OriginalKerasAccuracy = [(1, 0.750), (58, 0.884), (100, 0.872)];

    public static void Save(string path, IReadOnlyList<EpochRecord> history, string subtitle,
        IReadOnlyList<(double Epoch, double Accuracy)>? reference = null)
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
        if (history.Any(r => r.ActiveFraction is not null))
            Line(r => r.ActiveFraction ?? double.NaN, "active examples (mined)", Colors.Green, LinePattern.Dotted);
        if (reference is { Count: > 0 })
        {
            var points = plot.Add.Markers(reference.Select(p => p.Epoch).ToArray(), reference.Select(p => p.Accuracy).ToArray());
            points.LegendText = "original val_acc (Keras, TPU)";
            points.Color = Colors.Black;
            points.MarkerSize = 9;
            points.MarkerShape = MarkerShape.FilledDiamond;
        }
        plot.Title($"Training Loss and Accuracy\n{subtitle}");
        plot.XLabel("Epoch #");
        plot.YLabel("Loss/Accuracy");
        plot.ShowLegend(Alignment.MiddleRight);
        AtomicFile.Write(path, plot.GetImageBytes(900, 600, ImageFormat.Png));
    }
}
