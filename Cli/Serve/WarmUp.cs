using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Cli.Serve;

/// <summary>Compares and embeds before the server listens, so that no request waits for the device's kernels to compile.</summary>
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
        // More images than Conv2dPlan.MaxImagesByRow first: once a CPU device has the tiles' kernel, one pair takes it too.
        var more = Conv2dPlan.MaxImagesByRow + 1;
        model.Compare(Enumerable.Repeat((image, image), more).ToList());
        model.Compare([(image, image)]);
        model.Embed(Enumerable.Repeat(image, more).ToList());
        model.Embed([image]);
    }
}
