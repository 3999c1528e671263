namespace IlgpuSiamese.Network;

/// <summary>The shape of one image's activations, (C, H, W); a batch is (N, C, H, W), row-major.</summary>
public readonly record struct TensorShape(int Channels, int Height, int Width)
{
    public int Length => Channels * Height * Width;

    public override string ToString() => $"{Channels}x{Height}x{Width}";
}
