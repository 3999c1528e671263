namespace IlgpuSiamese.Cli.Serve;

/// <summary>One compare and one embed before the server listens, so that no request waits for the device's kernels to compile.</summary>
public static class WarmUp
{
    /// <summary>Compiles the device's kernels (seconds on OpenCL) before the first request, not during it.</summary>
    public static void Run(SiameseModel model)
    {
        const int side = 28;
        var square = new byte[side * side];
        for (var y = 8; y < 20; y++)
            square.AsSpan(y * side + 8, 12).Fill(255);
        var image = model.Prepare(SiameseImage.FromPixels(square, side, side, "warm-up square"));
        model.Compare([(image, image)]);
        model.Embed([image]);
    }
}
