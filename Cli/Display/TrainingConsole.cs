using IlgpuSiamese.Training;
using Spectre.Console;

namespace IlgpuSiamese.Cli.Display;

/// <summary>Draws a training run: a progress bar per epoch with pairs/s and ETA, a line per evaluation; <paramref name="afterCheckpoint"/> follows every checkpoint.</summary>
public sealed class TrainingConsole(ProgressContext context, int epochs, Action afterCheckpoint) : ITrainingObserver
{
    private ProgressTask? task;
    private int taskEpoch = -1;

    public void Info(string message) => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(message)}[/]");

    public void StepDone(int epoch, int batchesDone, int batchesInEpoch, double pairsPerSecond)
    {
        if (task is null || taskEpoch != epoch)
        {
            task?.StopTask();
            task = context.AddTask($"epoch {epoch + 1}/{epochs}", maxValue: batchesInEpoch);
            taskEpoch = epoch;
        }
        task.Value = batchesDone;
        task.Description = $"epoch {epoch + 1}/{epochs} [grey]{pairsPerSecond,7:0} pairs/s[/]";
    }

    public void Evaluated(EpochRecord r)
    {
        AnsiConsole.MarkupLine(
            $"epoch {r.Epoch,6:0.###}  train loss {r.TrainLoss:0.0000} acc {r.TrainAccuracy:0.0000}  " +
            $"val loss {r.ValLoss:0.0000} acc [bold]{r.ValAccuracy:0.0000}[/] auc {r.ValAuc:0.0000}  {r.Seconds,7:0.0} s");
    }

    public void CheckpointSaved() => afterCheckpoint();
}
