namespace IlgpuSiamese.Cli.Serve;

/// <summary>The server's two device queues: pairs to compare and images to embed, each batched on its own.</summary>
public sealed class Batchers(DeviceBatcher<(PreparedImage, PreparedImage), Comparison> pairs, DeviceBatcher<PreparedImage, float[]> images) : IDisposable
{
    /// <summary>Batchers that call the model itself.</summary>
    public static Batchers For(SiameseModel model, ServeSettings settings) =>
        new(new(pairs => model.Compare(pairs), settings, "compare"), new(images => model.Embed(images), settings, "embed"));

    public DeviceBatcher<(PreparedImage, PreparedImage), Comparison> Pairs { get; } = pairs;

    public DeviceBatcher<PreparedImage, float[]> Images { get; } = images;

    public void Dispose()
    {
        Pairs.Dispose();
        Images.Dispose();
    }
}
