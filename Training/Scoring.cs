using IlgpuSiamese.Network;

namespace IlgpuSiamese.Training;

/// <summary>
/// Similarity in [0, 1] from a pair's head outputs. The BCE head's probability is its own score.
/// Distance heads map d to 1 / (1 + (d / τ)²) with τ the distance threshold chosen on validation
/// pairs, so that "same" is exactly similarity ≥ 0.5 and a similarity reads the same across models.
/// </summary>
public static class Scoring
{
    public static float Similarity(LossKind loss, float distance, float probability, double distanceScale) => loss switch
    {
        LossKind.Bce => probability,
        _ => (float)(1 / (1 + Math.Pow(distance / distanceScale, 2))),
    };

    public static float[] Similarities(LossKind loss, PairOutputs outputs, double distanceScale)
    {
        var scores = new float[outputs.Distances.Length];
        for (var i = 0; i < scores.Length; i++)
            scores[i] = Similarity(loss, outputs.Distances[i], outputs.Probabilities[i], distanceScale);
        return scores;
    }

    /// <summary>A score for choosing τ: larger for closer pairs, monotone in the distance.</summary>
    public static float NegativeDistance(float distance) => -distance;
}
