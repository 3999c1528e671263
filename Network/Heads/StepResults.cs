namespace IlgpuSiamese.Network.Heads;

/// <summary>
/// A training step's per-example results read back from the device in one copy (<see cref="Head.ReadStep"/>), in
/// an array the head reuses every step: valid until its next step.
/// </summary>
public readonly struct StepResults(float[] values, int examples)
{
    /// <summary>Values per example: loss, distance, probability.</summary>
    public const int PerExample = 3;

    public int Examples => examples;

    public ReadOnlySpan<float> Losses => values.AsSpan(0, examples);

    public ReadOnlySpan<float> Distances => values.AsSpan(examples, examples);

    /// <summary>sigmoid(w·d + b) of the BCE head; unset for the others.</summary>
    public ReadOnlySpan<float> Probabilities => values.AsSpan(2 * examples, examples);
}
