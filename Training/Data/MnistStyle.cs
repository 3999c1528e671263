namespace IlgpuSiamese.Training.Data;

/// <summary>
/// MNIST's own preparation (LeCun et al.): the ink is cropped to its bounding box, scaled to fit a 20x20 box
/// keeping its aspect ratio (each output pixel the area average of the input it covers), and placed in the
/// 28x28 field so that its centre of mass lands on the field's centre pixel (14, 14), where MNIST's digits
/// have theirs. Other field sizes scale the box alike (20/28 of the shorter side).
/// Paper and ink are levelled first: the paper's light is evened out, the border's median is the paper (0), the strongest
/// ink is 255, and what is not the digit (ruled lines, specks, pieces cut off at the edge) is dropped. Once resized, half
/// of the digit's ink is raised to full, as MNIST's is.
/// </summary>
public static class MnistStyle
{
    /// <summary>An image whose ink stands less than this (of 255) above its paper is blank.</summary>
    public const float MinContrast = 16;

    /// <summary>Pixels at least this fraction of the way from paper to ink make the ink's bounding box.</summary>
    public const float InkLevel = 0.25f;

    /// <summary>
    /// A height x width grayscale image as a fieldHeight x fieldWidth light-on-dark input, or null when it holds no digit:
    /// no ink stands <see cref="MinContrast"/> above the paper, or none is left once what is not the digit is dropped.
    /// <paramref name="darkOnLight"/>: the ink is darker than the paper (it is inverted first).
    /// </summary>
    public static byte[]? Prepare(ReadOnlySpan<byte> pixels, int height, int width, bool darkOnLight, int fieldHeight, int fieldWidth)
    {
        var ink = Levels(pixels, height, width, darkOnLight);
        if (ink is null)
            return null;
        var field = new byte[fieldHeight * fieldWidth];
        var (top, left, bottom, right) = InkBox(ink, height, width);
        var side = Math.Max(1, (int)Math.Round(Math.Min(fieldHeight, fieldWidth) * 20.0 / 28, MidpointRounding.AwayFromZero));
        var (boxHeight, boxWidth) = (bottom - top, right - left);
        var scale = (double)side / Math.Max(boxHeight, boxWidth);
        var outHeight = Math.Clamp((int)Math.Round(boxHeight * scale, MidpointRounding.AwayFromZero), 1, side);
        var outWidth = Math.Clamp((int)Math.Round(boxWidth * scale, MidpointRounding.AwayFromZero), 1, side);
        var digit = AreaResize(ink, width, top, left, boxHeight, boxWidth, outHeight, outWidth);
        LevelLikeMnist(digit);
        var (cy, cx) = CentreOfMass(digit, outHeight, outWidth);
        var y0 = Math.Clamp((int)Math.Round(fieldHeight / 2 - cy, MidpointRounding.AwayFromZero), 0, fieldHeight - outHeight);
        var x0 = Math.Clamp((int)Math.Round(fieldWidth / 2 - cx, MidpointRounding.AwayFromZero), 0, fieldWidth - outWidth);
        for (var y = 0; y < outHeight; y++)
        for (var x = 0; x < outWidth; x++)
            field[(y0 + y) * fieldWidth + x0 + x] = (byte)Math.Round(digit[y * outWidth + x] * 255, MidpointRounding.AwayFromZero);
        return field;
    }

    /// <summary>
    /// Each pixel's place between paper (0) and the strongest ink (1) of the digit, or null for a blank image:
    /// the paper's light evened out (<see cref="PaperFlattening"/>), the levels taken, what is not the digit
    /// dropped (<see cref="DigitIsolation"/>), and the levels taken again on what is left.
    /// </summary>
    private static float[]? Levels(ReadOnlySpan<byte> pixels, int height, int width, bool darkOnLight)
    {
        if (Ink.Contrast(pixels, height, width, darkOnLight) < MinContrast)
            return null;
        var ink = PaperFlattening.InkAbovePaper(pixels, height, width, darkOnLight);
        var paper = BorderMedian(ink, height, width);
        var contrast = ink.Max() - paper;
        if (contrast < MinContrast)
            return null;
        for (var i = 0; i < ink.Length; i++)
            ink[i] = Math.Clamp((ink[i] - paper) / contrast, 0f, 1f);
        if (!DigitIsolation.Isolate(ink, height, width))
            return null;
        var strongest = ink.Max();
        for (var i = 0; i < ink.Length; i++)
            ink[i] /= strongest;
        return ink;
    }

    /// <summary>
    /// Raises the resized digit's ink so that half of its ink pixels (those at <see cref="InkLevel"/> of the strongest or more)
    /// are full, as in MNIST: of its test digits' pixels at 64 or more, the median is 245 and 48% are 250 or more. A photo's
    /// ink, blurred, noisy or levelled to one dark speck, otherwise reaches the model fainter than any MNIST digit.
    /// </summary>
    private static void LevelLikeMnist(float[] digit)
    {
        var strongest = digit.Max();
        var inked = digit.Where(v => v >= InkLevel * strongest).Order().ToList();
        var full = inked[inked.Count / 2];
        for (var i = 0; i < digit.Length; i++)
            digit[i] = Math.Min(1f, digit[i] / full);
    }

    /// <summary>The median of the pixels on the outer edge (the lower middle one of an even count).</summary>
    private static float BorderMedian(float[] image, int height, int width)
    {
        var border = new List<float>(2 * (height + width));
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            if (y == 0 || y == height - 1 || x == 0 || x == width - 1)
                border.Add(image[y * width + x]);
        }
        border.Sort();
        return border[(border.Count + 1) / 2 - 1];
    }

    /// <summary>The bounding box of the pixels at <see cref="InkLevel"/> or more: top and left inclusive, bottom and right exclusive.</summary>
    private static (int Top, int Left, int Bottom, int Right) InkBox(float[] ink, int height, int width)
    {
        var (top, left, bottom, right) = (height, width, 0, 0);
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            if (ink[y * width + x] < InkLevel)
                continue;
            (top, left) = (Math.Min(top, y), Math.Min(left, x));
            (bottom, right) = (Math.Max(bottom, y + 1), Math.Max(right, x + 1));
        }
        return (top, left, bottom, right);
    }

    /// <summary>The box (top, left, boxHeight x boxWidth) of a row-major image of the given width, resized by area averaging.</summary>
    private static float[] AreaResize(float[] image, int width, int top, int left, int boxHeight, int boxWidth, int outHeight, int outWidth)
    {
        var rows = new float[boxHeight * outWidth];
        for (var y = 0; y < boxHeight; y++)
            Average(image.AsSpan((top + y) * width + left, boxWidth), 1, rows.AsSpan(y * outWidth, outWidth), 1, outWidth);
        var resized = new float[outHeight * outWidth];
        for (var x = 0; x < outWidth; x++)
            Average(rows.AsSpan(x), outWidth, resized.AsSpan(x), outWidth, outHeight);
        return resized;
    }

    /// <summary>
    /// One line of samples (every <paramref name="inStride"/>th value of <paramref name="input"/>) resized to
    /// <paramref name="count"/> samples: each output covers an equal part of the line and is the average over it,
    /// partly covered input samples weighed by the part covered.
    /// </summary>
    private static void Average(ReadOnlySpan<float> input, int inStride, Span<float> output, int outStride, int count)
    {
        var length = (input.Length + inStride - 1) / inStride;
        var step = (double)length / count;
        for (var o = 0; o < count; o++)
        {
            double start = o * step, end = (o + 1) * step, sum = 0;
            for (var i = (int)start; i < Math.Min(length, (int)Math.Ceiling(end)); i++)
                sum += input[i * inStride] * (Math.Min(end, i + 1) - Math.Max(start, i));
            output[o * outStride] = (float)(sum / step);
        }
    }

    /// <summary>The intensity-weighted mean row and column, in pixel indices.</summary>
    private static (double Y, double X) CentreOfMass(float[] image, int height, int width)
    {
        double mass = 0, y = 0, x = 0;
        for (var r = 0; r < height; r++)
        for (var c = 0; c < width; c++)
        {
            var v = image[r * width + c];
            (mass, y, x) = (mass + v, y + v * r, x + v * c);
        }
        return (y / mass, x / mass);
    }
}
