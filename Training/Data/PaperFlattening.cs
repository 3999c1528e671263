using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearRegression;

namespace IlgpuSiamese.Training.Data;

/// <summary>
/// Evens out the light on paper before levelling, so that a corner in shadow does not become ink. The light falling
/// on the paper is a smooth surface, fitted as a quadratic in x and y by least squares to the paper alone: on a grid of
/// at most <see cref="GridSide"/> cells a side, each cell the brightest pixel of its block, cells darker than
/// <see cref="InkTolerance"/> below the surface are set aside as ink and the surface fitted again, a few times. Each
/// pixel is then divided by the light under it (ink reflects a fixed fraction of the light that falls on it). A quadratic
/// cannot bend around a stroke or a blot, so no ink, however thick, is taken for paper.
/// Only dark ink on light paper is flattened; light ink on a dark ground (screens, MNIST itself) is levelled as it is.
/// </summary>
public static class PaperFlattening
{
    /// <summary>The longer side of the grid the light is fitted on.</summary>
    public const int GridSide = 64;

    /// <summary>
    /// A cell darker than the surface by more than this fraction of it is ink, not paper; or by more than half the
    /// image's own contrast (1 less its darkest pixel over its brightest cell), where faint ink has less.
    /// </summary>
    public const double InkTolerance = 0.15;

    private const int Refits = 6;

    /// <summary>Paper darker than this (of 255) is not divided by: its noise would be amplified into ink.</summary>
    private const double DarkestPaper = 8;

    /// <summary>
    /// Each pixel's ink above the paper under it, 0 (paper) to 255, light on dark. Dark ink on light paper is divided by
    /// the paper's light and inverted; light ink is returned as it is.
    /// </summary>
    public static float[] InkAbovePaper(ReadOnlySpan<byte> pixels, int height, int width, bool darkOnLight)
    {
        var ink = new float[pixels.Length];
        if (!darkOnLight)
        {
            for (var i = 0; i < pixels.Length; i++)
                ink[i] = pixels[i];
            return ink;
        }
        var light = PaperLight(pixels, height, width);
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var paper = Math.Clamp(light.At(x + 0.5, y + 0.5, height, width), DarkestPaper, 255);
            ink[y * width + x] = (float)(255 * Math.Max(0, paper - pixels[y * width + x]) / paper);
        }
        return ink;
    }

    /// <summary>c0 + c1·u + c2·v + c3·u² + c4·u·v + c5·v², u and v the position scaled to [-1, 1] across the image.</summary>
    private sealed record Surface(double[] Coefficients)
    {
        public double At(double x, double y, int height, int width) => Evaluate(Coefficients, 2 * x / width - 1, 2 * y / height - 1);

        public static double[] Terms(double u, double v) => [1, u, v, u * u, u * v, v * v];

        public static double Evaluate(double[] c, double u, double v) => c[0] + c[1] * u + c[2] * v + c[3] * u * u + c[4] * u * v + c[5] * v * v;
    }

    private static Surface PaperLight(ReadOnlySpan<byte> pixels, int height, int width)
    {
        var block = (Math.Max(height, width) + GridSide - 1) / GridSide;
        var (gridHeight, gridWidth) = ((height + block - 1) / block, (width + block - 1) / block);
        var cells = new double[gridHeight * gridWidth];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            ref var cell = ref cells[y / block * gridWidth + x / block];
            cell = Math.Max(cell, pixels[y * width + x]);
        }
        var positions = Enumerable.Range(0, cells.Length).Select(c =>
            (U: 2 * Math.Min((c % gridWidth + 0.5) * block, width - 0.5) / width - 1,
             V: 2 * Math.Min((c / gridWidth + 0.5) * block, height - 0.5) / height - 1)).ToArray();
        var darkest = byte.MaxValue;
        foreach (var p in pixels)
            darkest = Math.Min(darkest, p);
        var tolerance = Math.Min(InkTolerance, 0.5 * (1 - darkest / Math.Max(1, cells.Max())));
        var median = cells.Order().ElementAt((cells.Length - 1) / 2);
        var paper = Enumerable.Range(0, cells.Length).Where(c => cells[c] >= median).ToList();
        var coefficients = Fit(cells, positions, paper, gridHeight, gridWidth);
        for (var refit = 0; refit < Refits; refit++)
        {
            paper = Enumerable.Range(0, cells.Length)
                .Where(c => cells[c] >= (1 - tolerance) * Surface.Evaluate(coefficients, positions[c].U, positions[c].V)).ToList();
            coefficients = Fit(cells, positions, paper, gridHeight, gridWidth);
        }
        return new Surface(coefficients);
    }

    /// <summary>The least-squares quadratic through the paper cells; their mean where they are too few to bend it.</summary>
    private static double[] Fit(double[] cells, (double U, double V)[] positions, List<int> paper, int gridHeight, int gridWidth)
    {
        double[] level = [paper.Count == 0 ? cells.Max() : paper.Average(c => cells[c]), 0, 0, 0, 0, 0];
        if (gridHeight < 3 || gridWidth < 3 || paper.Count < 4 * level.Length)
            return level;
        var terms = Matrix<double>.Build.DenseOfRowArrays(paper.Select(c => Surface.Terms(positions[c].U, positions[c].V)));
        var values = Vector<double>.Build.DenseOfEnumerable(paper.Select(c => cells[c]));
        var surface = MultipleRegression.QR(terms, values).ToArray();
        return surface.All(double.IsFinite) ? surface : level;
    }
}
