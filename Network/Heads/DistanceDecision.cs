namespace IlgpuSiamese.Network.Heads;

/// <summary>
/// The decision of the heads that score by distance alone (contrastive, triplet): τ is the distance that
/// is best on validation pairs, and similarity 1 / (1 + (d / τ)²) puts it at 0.5, so "same" is exactly
/// similarity ≥ 0.5 and a similarity reads the same across models.
/// </summary>
public static class DistanceDecision
{
    /// <summary>Before any calibration: τ = margin / 2.</summary>
    public static Decision Initial(float margin) => new(0.5, margin / 2.0);

    public static Decision Calibrate(PairOutputs validation, Func<float[], float[], double> bestThreshold)
    {
        // The cut is found on -d (larger for closer pairs), so it comes back negated.
        var negated = validation.Distances.Select(d => -d).ToArray();
        return new Decision(0.5, Math.Max(1e-6, -bestThreshold(negated, validation.Labels)));
    }

    public static float Similarity(float distance, Decision decision) =>
        (float)(1 / (1 + Math.Pow(distance / decision.DistanceScale, 2)));
}
