namespace IlgpuSiamese.Training;

/// <summary>
/// One evaluation point of a run. Epoch is fractional when evaluating several times an epoch.
/// Validation loss and accuracy are on the test pairs (as the original reports them), at the decision
/// threshold chosen on held-out validation pairs; Seconds counts training time only. ActiveFraction, with mining only:
/// of the examples mined this epoch so far, the fraction that still had a loss.
/// </summary>
public sealed record EpochRecord(
    double Epoch,
    int Step,
    double TrainLoss,
    double TrainAccuracy,
    double ValLoss,
    double ValAccuracy,
    double ValAuc,
    double Threshold,
    double Seconds,
    double PairsPerSecond,
    double? ActiveFraction = null);
