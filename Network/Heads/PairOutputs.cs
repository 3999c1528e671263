namespace IlgpuSiamese.Network.Heads;

/// <summary>Per-pair head outputs of a network over a set of pairs: distance, BCE probability (0 for distance heads), loss.</summary>
public sealed record PairOutputs(float[] Distances, float[] Probabilities, float[] Losses, float[] Labels)
{
    public double MeanLoss => Losses.Length == 0 ? 0 : Losses.Average(l => (double)l);
}

/// <summary>
/// How a model decides: "same" when the similarity is at least <paramref name="Threshold"/>. For distance
/// heads the similarity is 1 / (1 + (d / DistanceScale)²), so d = DistanceScale maps to 0.5.
/// </summary>
public sealed record Decision(double Threshold, double DistanceScale);
