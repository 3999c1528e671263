namespace IlgpuSiamese.Training.Data;

/// <summary>
/// The ruled lines of a form in an ink mask: horizontal and vertical runs of ink at least
/// <see cref="DigitIsolation.LineFraction"/> of the image long and thin (the ink across them, at the median pixel,
/// at most <see cref="ThickestLine"/> of the image and a <see cref="LongestToThickest"/>th of the run), whose two ends each come within a few pixels of the
/// image's edge or of another such line. Runs that fail are set aside and the rest checked again, until none fails.
/// </summary>
public static class RuledLines
{
    /// <summary>A ruled line is at most this fraction of the image thick.</summary>
    public const double ThickestLine = 0.08;

    /// <summary>A ruled line is at least this many times longer than it is thick.</summary>
    public const int LongestToThickest = 5;

    private readonly record struct Run(bool Across, int At, int From, int To);

    /// <summary>The indices of the pixels on ruled lines.</summary>
    public static IEnumerable<int> Find(bool[] mask, int height, int width)
    {
        var runs = LongRuns(mask, height, width, across: true).Concat(LongRuns(mask, height, width, across: false))
            .Where(r => IsThin(r, mask, height, width)).ToList();

        while (true)
        {
            var onLines = new[] { new bool[mask.Length], new bool[mask.Length] };
            foreach (var run in runs)
                foreach (var i in Pixels(run, width))
                    onLines[run.Across ? 0 : 1][i] = true;
            var anchored = runs.Where(r => EndsAnchored(r, onLines[r.Across ? 1 : 0], height, width)).ToList();
            if (anchored.Count == runs.Count)
                return runs.SelectMany(r => Pixels(r, width));
            runs = anchored;
        }
    }

    private static IEnumerable<Run> LongRuns(bool[] mask, int height, int width, bool across)
    {
        var (lines, length) = across ? (height, width) : (width, height);
        var shortest = DigitIsolation.LineFraction * length;
        for (var at = 0; at < lines; at++)
        {
            var from = -1;
            for (var k = 0; k <= length; k++)
            {
                var ink = k < length && mask[across ? at * width + k : k * width + at];
                if (ink && from < 0)
                    from = k;
                else if (!ink && from >= 0)
                {
                    if (k - from >= shortest)
                        yield return new Run(across, at, from, k - 1);
                    from = -1;
                }
            }
        }
    }

    /// <summary>Whether the ink across the run, at its median pixel, is at most <see cref="ThickestLine"/> of the image.</summary>
    private static bool IsThin(Run run, bool[] mask, int height, int width)
    {
        var across = Pixels(run, width).Select(i => InkThrough(i, !run.Across, mask, height, width)).Order().ToList();
        var thickness = across[across.Count / 2];
        return thickness <= ThickestLine * (run.Across ? height : width) && run.To - run.From + 1 >= LongestToThickest * thickness;
    }

    /// <summary>The length of the unbroken ink through pixel i, along a row (<paramref name="alongRow"/>) or a column.</summary>
    private static int InkThrough(int i, bool alongRow, bool[] mask, int height, int width)
    {
        var (y, x) = (i / width, i % width);
        var (dy, dx) = alongRow ? (0, 1) : (1, 0);
        var length = 1;
        for (var (v, u) = (y - dy, x - dx); v >= 0 && u >= 0 && mask[v * width + u]; (v, u) = (v - dy, u - dx))
            length++;
        for (var (v, u) = (y + dy, x + dx); v < height && u < width && mask[v * width + u]; (v, u) = (v + dy, u + dx))
            length++;
        return length;
    }

    private static IEnumerable<int> Pixels(Run run, int width)
    {
        for (var k = run.From; k <= run.To; k++)
            yield return run.Across ? run.At * width + k : k * width + run.At;
    }

    /// <summary>Whether both ends reach the edge or come within reach (3% of the run's direction) of a pixel of a line running the other way.</summary>
    private static bool EndsAnchored(Run run, bool[] otherWay, int height, int width)
    {
        var length = run.Across ? width : height;
        var reach = Math.Max(2, (int)Math.Round(0.03 * length));
        bool Anchored(int end) =>
            end <= reach || end >= length - 1 - reach || Near(run.Across ? (run.At, end) : (end, run.At), otherWay, height, width, reach);
        return Anchored(run.From) && Anchored(run.To);
    }

    private static bool Near((int Y, int X) end, bool[] otherWay, int height, int width, int reach)
    {
        for (var v = Math.Max(0, end.Y - reach); v <= Math.Min(height - 1, end.Y + reach); v++)
        for (var u = Math.Max(0, end.X - reach); u <= Math.Min(width - 1, end.X + reach); u++)
        {
            if (otherWay[v * width + u])
                return true;
        }
        return false;
    }
}
