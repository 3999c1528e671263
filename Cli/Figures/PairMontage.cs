using SkiaSharp;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Cli.Figures;

/// <summary>One cell of a montage: two images side by side, a coloured label and, right-aligned, a detail (names).</summary>
public sealed record MontageCell(int First, int Second, string Label, SKColor LabelColor, string Detail);

/// <summary>
/// A grid of image pairs as a PNG (the original project's figure): in each cell the two images side by
/// side, upscaled, and a caption. The training-pair montage labels each "pos" in green (same class) or
/// "neg" in red, then the two class names; comparisons label each with its similarity.
/// </summary>
public static class PairMontage
{
    public const int Tile = 84;
    private const int Gap = 4;
    private const int Pad = 8;
    private const int Caption = 24;
    private const int Margin = 12;
    private const int Title = 60;
    private const int MinWidth = 600;
    public const int CellWidth = 2 * Tile + Gap + 2 * Pad;
    public const int CellHeight = Tile + Caption + 2 * Pad;

    public static readonly SKColor Positive = new(0x1E, 0x8E, 0x3E);
    public static readonly SKColor Negative = new(0xD9, 0x30, 0x25);
    private static readonly SKColor Names = new(0x40, 0x40, 0x40);
    private static readonly SKColor CellBackground = new(0xF2, 0xF2, 0xF2);

    internal static readonly Lazy<SKTypeface> Regular = new(() => FindTypeface(SKFontStyle.Normal));
    internal static readonly Lazy<SKTypeface> Bold = new(() => FindTypeface(SKFontStyle.Bold));

    /// <summary>Columns and rows of the grid: as square as possible, 7x7 for 49 pairs.</summary>
    public static (int Columns, int Rows) Grid(int count)
    {
        var columns = (int)Math.Ceiling(Math.Sqrt(count));
        return (columns, (count + columns - 1) / columns);
    }

    public static (int Width, int Height) Size(int count, int tile = Tile)
    {
        var (columns, rows) = Grid(count);
        var (cellWidth, cellHeight) = CellSize(tile);
        return (Math.Max(MinWidth, 2 * Margin + columns * cellWidth), 2 * Margin + Title + rows * cellHeight);
    }

    /// <summary>The first <paramref name="count"/> training pairs of <paramref name="pairs"/> drawn as a PNG file's bytes.</summary>
    public static byte[] Png(LabelledImages images, PairSet pairs, int count, string title)
    {
        string Name(int image) => images.ClassNames[images.Labels[image]];
        var cells = Enumerable.Range(0, count).Select(p =>
        {
            var (first, second, same) = (pairs.First[p], pairs.Second[p], pairs.Label[p] == 1f);
            return new MontageCell(first, second, same ? "pos" : "neg", same ? Positive : Negative, $"{Name(first)} | {Name(second)}");
        });
        return Png(images, cells.ToList(), title, [("pos = same class", Positive), ("neg = different classes", Negative)]);
    }

    /// <summary>Cells of <paramref name="images"/> in a grid under a title and a line of coloured legend texts, as a PNG file's bytes.</summary>
    public static byte[] Png(LabelledImages images, IReadOnlyList<MontageCell> cells, string title, IReadOnlyList<(string Text, SKColor Color)> legend, int tile = Tile)
    {
        var (width, height) = Size(cells.Count, tile);
        var (cellWidth, cellHeight) = CellSize(tile);
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        DrawTitle(canvas, title, legend);
        var columns = Grid(cells.Count).Columns;
        for (var p = 0; p < cells.Count; p++)
            DrawCell(canvas, images, cells[p], tile, Margin + p % columns * cellWidth, Margin + Title + p / columns * cellHeight);
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static (int Width, int Height) CellSize(int tile) => (2 * tile + Gap + 2 * Pad, tile + Caption + 2 * Pad);

    private static void DrawTitle(SKCanvas canvas, string title, IReadOnlyList<(string Text, SKColor Color)> legend)
    {
        using var titleFont = Font(Bold.Value, 18);
        using var legendFont = Font(Bold.Value, 15);
        using var paint = new SKPaint { IsAntialias = true, Color = SKColors.Black };
        canvas.DrawText(title, Margin + Pad, Margin + 20, SKTextAlign.Left, titleFont, paint);
        float x = Margin + Pad;
        foreach (var (text, color) in legend)
        {
            paint.Color = color;
            canvas.DrawText(text, x, Margin + 44, SKTextAlign.Left, legendFont, paint);
            x += legendFont.MeasureText(text) + 24;
        }
    }

    private static void DrawCell(SKCanvas canvas, LabelledImages images, MontageCell cell, int tile, int left, int top)
    {
        var (cellWidth, cellHeight) = CellSize(tile);
        using var paint = new SKPaint { IsAntialias = true, Color = CellBackground };
        canvas.DrawRect(SKRect.Create(left + 2, top + 2, cellWidth - 4, cellHeight - 4), paint);
        DrawImage(canvas, images, cell.First, tile, left + Pad, top + Pad);
        DrawImage(canvas, images, cell.Second, tile, left + Pad + tile + Gap, top + Pad);

        using var labelFont = Font(Bold.Value, 16);
        var baseline = top + Pad + tile + 19;
        paint.Color = cell.LabelColor;
        canvas.DrawText(cell.Label, left + Pad, baseline, SKTextAlign.Left, labelFont, paint);

        var room = cellWidth - 2 * Pad - labelFont.MeasureText(cell.Label + " ");
        using var namesFont = Font(Regular.Value, 14);
        while (namesFont.MeasureText(cell.Detail) > room && namesFont.Size > 9)
            namesFont.Size -= 1;
        var detail = cell.Detail;
        while (detail.Length > 1 && namesFont.MeasureText(detail) > room)
            detail = detail[..(detail.Length - 2)] + "…";
        paint.Color = Names;
        canvas.DrawText(detail, left + cellWidth - Pad, baseline, SKTextAlign.Right, namesFont, paint);
    }

    private static void DrawImage(SKCanvas canvas, LabelledImages images, int index, int tile, int left, int top)
    {
        var info = new SKImageInfo(images.Width, images.Height, SKColorType.Gray8, SKAlphaType.Opaque);
        using var image = SKImage.FromPixelCopy(info, images.Image(index), images.Width);
        var sampling = images.Width <= tile ? new SKSamplingOptions(SKFilterMode.Nearest) : new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear);
        canvas.DrawImage(image, SKRect.Create(left, top, tile, tile), sampling);
    }

    internal static SKFont Font(SKTypeface typeface, float size) => new(typeface, size) { Edging = SKFontEdging.Antialias, Subpixel = true };

    private static SKTypeface FindTypeface(SKFontStyle style)
    {
        foreach (var family in new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica" })
        {
            var typeface = SKTypeface.FromFamilyName(family, style);
            using var font = new SKFont(typeface);
            if (typeface.FamilyName == family && font.ContainsGlyphs("posneg0123456789|.:…"))
                return typeface;
            typeface.Dispose();
        }
        throw new UserInputException("no font found to label the pair montage: install a TrueType font (Debian: apt-get install fonts-dejavu-core)");
    }
}
