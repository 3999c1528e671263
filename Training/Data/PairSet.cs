namespace IlgpuSiamese.Training.Data;

/// <summary>Pairs of image indices with their label: 1 when both images are of the same class, 0 otherwise.</summary>
public sealed record PairSet(int[] First, int[] Second, float[] Label)
{
    public int Count => First.Length;
}
