using System.Globalization;
using System.Text;
using IlgpuSiamese.Training.Storage;

namespace IlgpuSiamese.Training;

/// <summary>history.csv: one row per evaluation point, invariant culture, written atomically.</summary>
public static class HistoryCsv
{
    public const string Header = "epoch,step,train_loss,train_accuracy,val_loss,val_accuracy,val_auc,threshold,seconds,pairs_per_second,active_fraction";

    public static void Write(string path, IEnumerable<EpochRecord> records)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var r in records)
        {
            text.AppendLine(string.Join(',', new object[]
            {
                r.Epoch, r.Step, r.TrainLoss, r.TrainAccuracy, r.ValLoss, r.ValAccuracy, r.ValAuc, r.Threshold, r.Seconds, r.PairsPerSecond,
                r.ActiveFraction is { } active ? active : (object)"",
            }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))));
        }
        AtomicFile.WriteText(path, text.ToString());
    }
}
