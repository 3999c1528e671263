namespace IlgpuSiamese.Training.Data;

/// <summary>
/// Whether an image holds ink: marks that stand at least <see cref="MnistStyle.MinContrast"/> (of 255) from its paper,
/// the median of its border. It is MNIST-style preparation's rule for a blank image (the one whose field stays 0);
/// every preparation refuses an image without ink rather than give the model an empty input.
/// </summary>
public static class Ink
{
    /// <summary>How far the strongest ink stands from the paper: below it when <paramref name="darkOnLight"/>, above it otherwise.</summary>
    public static int Contrast(ReadOnlySpan<byte> pixels, int height, int width, bool darkOnLight)
    {
        var (dark, light) = Contrasts(pixels, height, width);
        return darkOnLight ? dark : light;
    }

    /// <summary>How far the darkest pixel stands below the paper, and the lightest above it.</summary>
    private static (int Dark, int Light) Contrasts(ReadOnlySpan<byte> pixels, int height, int width)
    {
        var paper = GrayImages.BorderMedian(pixels, height, width);
        byte darkest = 255, lightest = 0;
        foreach (var p in pixels)
            (darkest, lightest) = (Math.Min(darkest, p), Math.Max(lightest, p));
        return (paper - darkest, lightest - paper);
    }

    /// <summary>
    /// Why the image holds no ink, or null when it does. <paramref name="side"/>: Yes looks for ink darker than the paper
    /// only, No lighter only, Auto either (as auto inversion does: it takes the side that stands further from the paper).
    /// </summary>
    public static string? WhyNone(ReadOnlySpan<byte> pixels, int height, int width, InvertMode side)
    {
        var (dark, light) = Contrasts(pixels, height, width);
        var least = $"{MnistStyle.MinContrast:0} of 255";
        if (Math.Max(dark, light) < MnistStyle.MinContrast)
            return $"no ink: the image is blank (nothing in it stands {least} or more from its paper, the median of its border)";
        return side switch
        {
            InvertMode.Yes when dark < MnistStyle.MinContrast =>
                $"no ink: nothing in it is {least} or more darker than its paper (the median of its border), and inverting takes the dark marks as ink: its marks are lighter (--invert auto)",
            InvertMode.No when light < MnistStyle.MinContrast =>
                $"no ink: nothing in it is {least} or more lighter than its paper (the median of its border), and without inverting the light marks are the ink: its marks are darker (--invert auto)",
            _ => null,
        };
    }
}
