using IlgpuSiamese.Network;

namespace IlgpuSiamese.Training;

/// <summary>What a training run tells the outside world; the CLI draws it, tests record it.</summary>
public interface ITrainingObserver
{
    void Info(string message);

    /// <summary>After every step: the epoch (from 0), batches done of the epoch's total, and recent pairs/s.</summary>
    void StepDone(int epoch, int batchesDone, int batchesInEpoch, double pairsPerSecond);

    void Evaluated(EpochRecord record);

    /// <summary>After a checkpoint is on disk: what describes it (the history) may be written now, never before it.</summary>
    void CheckpointSaved() { }
}

public enum TrainingOutcome
{
    Completed,
    Interrupted,
}

/// <summary>The loss became NaN or infinite: the run stops, keeping the last good checkpoint.</summary>
public sealed class TrainingDivergedException(string message) : UserInputException(message);
