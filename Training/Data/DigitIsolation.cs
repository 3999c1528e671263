namespace IlgpuSiamese.Training.Data;

/// <summary>
/// Keeps the digit and drops what is not the digit, on levelled ink (0 paper to 1 strongest ink), with the pixels at
/// <see cref="MnistStyle.InkLevel"/> or more as the ink:
/// <list type="number">
/// <item>Ruled lines: straight horizontal or vertical runs of ink at least half the image long whose two ends each reach
/// the image's edge or another such line (a form's rules and the box between them; a digit's stroke ends on paper).</item>
/// <item>Specks and what is cut off at the edge: of the connected pieces of ink left (8-connected), those smaller than
/// <see cref="SpeckFraction"/> of the largest, and those touching the edge that are smaller than the largest piece inside it.</item>
/// </list>
/// What is dropped is set to paper, and so is every pixel farther than a stroke's soft edge from the ink kept.
/// </summary>
public static class DigitIsolation
{
    /// <summary>A ruled line is at least this fraction of the image's width (or height) long.</summary>
    public const double LineFraction = 0.5;

    /// <summary>A piece of ink smaller than this fraction of the largest is a speck.</summary>
    public const double SpeckFraction = 0.03;

    /// <summary>Sets to 0 what is not the digit; false when nothing is left.</summary>
    public static bool Isolate(float[] ink, int height, int width)
    {
        var mask = new bool[ink.Length];
        for (var i = 0; i < ink.Length; i++)
            mask[i] = ink[i] >= MnistStyle.InkLevel;
        foreach (var i in RuledLines.Find(mask, height, width))
            mask[i] = false;
        var kept = KeptPieces(mask, height, width);
        var edge = Math.Max(1, (int)Math.Round(Math.Max(height, width) / 56.0));
        var near = Near(kept, height, width, edge);
        var any = false;
        for (var i = 0; i < ink.Length; i++)
        {
            if (!near[i])
                ink[i] = 0;
            any |= kept[i];
        }
        return any;
    }

    /// <summary>The ink pixels of the pieces that are kept.</summary>
    private static bool[] KeptPieces(bool[] mask, int height, int width)
    {
        var (label, pieces) = Pieces(mask, height, width);
        var largest = pieces.Count == 0 ? 0 : pieces.Max(p => p.Area);
        var largestInside = pieces.Where(p => !p.TouchesEdge).Select(p => p.Area).DefaultIfEmpty(0).Max();
        var keep = pieces.Select(p => p.Area >= SpeckFraction * largest && (!p.TouchesEdge || p.Area >= largestInside)).ToArray();
        var kept = new bool[mask.Length];
        for (var i = 0; i < mask.Length; i++)
            kept[i] = label[i] >= 0 && keep[label[i]];
        return kept;
    }

    private readonly record struct Piece(int Area, bool TouchesEdge);

    /// <summary>Each pixel's piece (8-connected ink), -1 for paper, and each piece's area and whether it touches the edge.</summary>
    private static (int[] Label, List<Piece> Pieces) Pieces(bool[] mask, int height, int width)
    {
        var label = new int[mask.Length];
        Array.Fill(label, -1);
        var pieces = new List<Piece>();
        var stack = new Stack<int>();
        for (var start = 0; start < mask.Length; start++)
        {
            if (!mask[start] || label[start] >= 0)
                continue;
            var (area, touches) = (0, false);
            label[start] = pieces.Count;
            stack.Push(start);
            while (stack.TryPop(out var i))
            {
                var (y, x) = (i / width, i % width);
                area++;
                touches |= y == 0 || x == 0 || y == height - 1 || x == width - 1;
                for (var v = Math.Max(0, y - 1); v <= Math.Min(height - 1, y + 1); v++)
                for (var u = Math.Max(0, x - 1); u <= Math.Min(width - 1, x + 1); u++)
                {
                    var j = v * width + u;
                    if (mask[j] && label[j] < 0)
                    {
                        label[j] = pieces.Count;
                        stack.Push(j);
                    }
                }
            }
            pieces.Add(new Piece(area, touches));
        }
        return (label, pieces);
    }

    /// <summary>The pixels within <paramref name="reach"/> (a square) of a set pixel.</summary>
    private static bool[] Near(bool[] set, int height, int width, int reach)
    {
        var rows = new bool[set.Length];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            for (var u = Math.Max(0, x - reach); u <= Math.Min(width - 1, x + reach) && !rows[y * width + x]; u++)
                rows[y * width + x] = set[y * width + u];
        }
        var near = new bool[set.Length];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            for (var v = Math.Max(0, y - reach); v <= Math.Min(height - 1, y + reach) && !near[y * width + x]; v++)
                near[y * width + x] = rows[v * width + x];
        }
        return near;
    }
}
