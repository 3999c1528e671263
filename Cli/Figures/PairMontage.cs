using IlgpuSiamese.Kernels;
using IlgpuSiamese.Training.Data;
using SkiaSharp;

namespace IlgpuSiamese.Cli.Figures;

/// <summary>
/// A grid of image pairs as a PNG (the original project's figure): in each cell the two images side by
/// side, upscaled, and a caption: "pos" in green (same class) or "neg" in red, then the two class names.
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

    private static readonly SKColor Positive = new(0x1E, 0x8E, 0x3E);
    private static readonly SKColor Negative = new(0xD9, 0x30, 0x25);
    private static readonly SKColor Names = new(0x40, 0x40, 0x40);
    private static readonly SKColor CellBackground = new(0xF2, 0xF2, 0xF2);

    private static readonly Lazy<SKTypeface> Regular = new(() => FindTypeface(SKFontStyle.Normal));
    private static readonly Lazy<SKTypeface> Bold = new(() => FindTypeface(SKFontStyle.Bold));

    /// <summary>Columns and rows of the grid: as square as possible, 7x7 for 49 pairs.</summary>
    public static (int Columns, int Rows) Grid(int count)
    {
        var columns = (int)Math.Ceiling(Math.Sqrt(count));
        return (columns, (count + columns - 1) / columns);
    }

    public static (int Width, int Height) Size(int count)
    {
        var (columns, rows) = Grid(count);
        return (Math.Max(MinWidth, 2 * Margin + columns * CellWidth), 2 * Margin + Title + rows * CellHeight);
    }

    /// <summary>The first <paramref name="count"/> pairs of <paramref name="pairs"/> drawn as a PNG file's bytes.</summary>
    public static byte[] Png(LabelledImages images, PairSet pairs, int count, string title)
    {
        var (width, height) = Size(count);
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        DrawTitle(canvas, title);
        var columns = Grid(count).Columns;
        for (var p = 0; p < count; p++)
            DrawCell(canvas, images, pairs, p, Margin + p % columns * CellWidth, Margin + Title + p / columns * CellHeight);
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static void DrawTitle(SKCanvas canvas, string title)
    {
        using var titleFont = Font(Bold.Value, 18);
        using var legendFont = Font(Bold.Value, 15);
        using var paint = new SKPaint { IsAntialias = true, Color = SKColors.Black };
        canvas.DrawText(title, Margin + Pad, Margin + 20, SKTextAlign.Left, titleFont, paint);
        float x = Margin + Pad;
        foreach (var (text, color) in new[] { ("pos = same class", Positive), ("neg = different classes", Negative) })
        {
            paint.Color = color;
            canvas.DrawText(text, x, Margin + 44, SKTextAlign.Left, legendFont, paint);
            x += legendFont.MeasureText(text) + 24;
        }
    }

    private static void DrawCell(SKCanvas canvas, LabelledImages images, PairSet pairs, int p, int left, int top)
    {
        using var paint = new SKPaint { IsAntialias = true, Color = CellBackground };
        canvas.DrawRect(SKRect.Create(left + 2, top + 2, CellWidth - 4, CellHeight - 4), paint);
        DrawImage(canvas, images, pairs.First[p], left + Pad, top + Pad);
        DrawImage(canvas, images, pairs.Second[p], left + Pad + Tile + Gap, top + Pad);

        var same = pairs.Label[p] == 1f;
        using var labelFont = Font(Bold.Value, 16);
        var baseline = top + Pad + Tile + 19;
        paint.Color = same ? Positive : Negative;
        var label = same ? "pos" : "neg";
        canvas.DrawText(label, left + Pad, baseline, SKTextAlign.Left, labelFont, paint);

        var names = $"{images.ClassNames[images.Labels[pairs.First[p]]]} | {images.ClassNames[images.Labels[pairs.Second[p]]]}";
        var room = CellWidth - 2 * Pad - labelFont.MeasureText(label + " ");
        using var namesFont = Font(Regular.Value, 14);
        while (namesFont.MeasureText(names) > room && namesFont.Size > 9)
            namesFont.Size -= 1;
        paint.Color = Names;
        canvas.DrawText(names, left + CellWidth - Pad, baseline, SKTextAlign.Right, namesFont, paint);
    }

    private static void DrawImage(SKCanvas canvas, LabelledImages images, int index, int left, int top)
    {
        var info = new SKImageInfo(images.Width, images.Height, SKColorType.Gray8, SKAlphaType.Opaque);
        using var image = SKImage.FromPixelCopy(info, images.Image(index), images.Width);
        var sampling = images.Width <= Tile ? new SKSamplingOptions(SKFilterMode.Nearest) : new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear);
        canvas.DrawImage(image, SKRect.Create(left, top, Tile, Tile), sampling);
    }

    private static SKFont Font(SKTypeface typeface, float size) => new(typeface, size) { Edging = SKFontEdging.Antialias, Subpixel = true };

    private static SKTypeface FindTypeface(SKFontStyle style)
    {
        foreach (var family in new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial", "Helvetica" })
        {
            var typeface = SKTypeface.FromFamilyName(family, style);
            using var font = new SKFont(typeface);
            if (typeface.FamilyName == family && font.ContainsGlyphs("posneg0123456789|"))
                return typeface;
            typeface.Dispose();
        }
        throw new UserInputException("no font found to label the pair montage: install a TrueType font (Debian: apt-get install fonts-dejavu-core)");
    }
}
