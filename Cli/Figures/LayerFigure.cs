using IlgpuSiamese.Cli.Commands;
using SkiaSharp;

namespace IlgpuSiamese.Cli.Figures;

/// <summary>
/// <c>siamese inspect</c>'s figure: one row per layer, image A's output on the left and image B's on the right.
/// A layer with a spatial output shows its first channels as grayscale tiles (each channel scaled from 0, or its
/// minimum when negative, to its largest value over both images, so the twins compare); a flat output (pooled,
/// dense, the embedding) shows as a heat strip, blue negative, white zero, red positive, on one scale for both.
/// </summary>
public static class LayerFigure
{
    private const int Margin = 16;
    private const int LabelWidth = 210;
    private const int Tile = 52;
    private const int Gap = 4;
    private const int TwinGap = 28;
    private const int InputTile = 112;
    private const int RowPad = 10;
    private const int StripHeight = 28;
    private const int Header = 86;
    private const int Footer = 40;

    private static readonly SKColor Grid = new(0xF2, 0xF2, 0xF2);
    private static readonly SKColor Muted = new(0x55, 0x55, 0x55);

    public static byte[] Png(InspectCommand.Inspection inspection, int channels)
    {
        var panel = channels * Tile + (channels - 1) * Gap;
        var width = 2 * Margin + LabelWidth + 2 * panel + TwinGap;
        var rowHeights = inspection.Layers.Select(l => IsSpatial(l) ? Tile + 2 * RowPad : StripHeight + 2 * RowPad).ToList();
        var height = Header + InputTile + 2 * RowPad + rowHeights.Sum() + Footer + Margin;
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var title = PairMontage.Font(PairMontage.Bold.Value, 18);
        using var bold = PairMontage.Font(PairMontage.Bold.Value, 14);
        using var regular = PairMontage.Font(PairMontage.Regular.Value, 12);
        using var paint = new SKPaint { IsAntialias = true, Color = SKColors.Black };

        float left = Margin + LabelWidth, right = left + panel + TwinGap;
        canvas.DrawText($"Inspect: {Path.GetFileName(inspection.First)} vs {Path.GetFileName(inspection.Second)}", Margin, Margin + 18, SKTextAlign.Left, title, paint);
        paint.Color = Muted;
        canvas.DrawText($"model {Path.GetFileName(inspection.Model)}; first {channels} channels of each layer, each scaled to its range over both images; flat outputs: blue < 0 < red",
            Margin, Margin + 40, SKTextAlign.Left, regular, paint);
        paint.Color = SKColors.Black;
        canvas.DrawText($"A: {Path.GetFileName(inspection.First)}", left, Header - 8, SKTextAlign.Left, bold, paint);
        canvas.DrawText($"B: {Path.GetFileName(inspection.Second)}", right, Header - 8, SKTextAlign.Left, bold, paint);

        var y = (float)Header;
        Label(canvas, "input", $"{inspection.Inputs.Height}x{inspection.Inputs.Width}, as the model sees it", y + RowPad, bold, regular, paint);
        DrawGray(canvas, inspection.Inputs.Image(0).ToArray(), inspection.Inputs.Width, inspection.Inputs.Height, left, y + RowPad, InputTile);
        DrawGray(canvas, inspection.Inputs.Image(1).ToArray(), inspection.Inputs.Width, inspection.Inputs.Height, right, y + RowPad, InputTile);
        y += InputTile + 2 * RowPad;

        for (var r = 0; r < inspection.Layers.Count; r++)
        {
            var layer = inspection.Layers[r];
            using (var band = new SKPaint { Color = r % 2 == 0 ? Grid : SKColors.White })
                canvas.DrawRect(SKRect.Create(Margin - 6, y, width - 2 * Margin + 12, rowHeights[r]), band);
            var last = r == inspection.Layers.Count - 1;
            Label(canvas, $"{layer.Index} {layer.Name}{(last ? ": embedding" : "")}", $"{(IsSpatial(layer) ? layer.Shape.ToString() : $"{layer.Shape.Length} values")}, mean {Mean(layer.First):0.00} | {Mean(layer.Second):0.00}",
                y + RowPad, bold, regular, paint);
            if (IsSpatial(layer))
                DrawMaps(canvas, layer, channels, left, right, y + RowPad);
            else
                DrawStrips(canvas, layer, left, right, y + RowPad, panel);
            y += rowHeights[r];
        }

        var verdict = inspection.Same ? "same" : "different";
        paint.Color = inspection.Same ? PairMontage.Positive : PairMontage.Negative;
        canvas.DrawText($"distance {inspection.Distance:0.0000}   similarity {inspection.Similarity:0.0000}: {verdict} (threshold {inspection.Threshold:0.##})",
            Margin, y + 28, SKTextAlign.Left, title, paint);
        using var snapshot = surface.Snapshot();
        using var png = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static bool IsSpatial(InspectCommand.LayerOutput layer) => layer.Shape.Height > 1 || layer.Shape.Width > 1;

    private static double Mean(float[] values) => values.Average(v => (double)v);

    private static void Label(SKCanvas canvas, string name, string detail, float top, SKFont bold, SKFont regular, SKPaint paint)
    {
        paint.Color = SKColors.Black;
        canvas.DrawText(name, Margin, top + 16, SKTextAlign.Left, bold, paint);
        paint.Color = Muted;
        var text = detail;
        while (text.Length > 1 && regular.MeasureText(text) > LabelWidth - 8)
            text = text[..^2] + "…";
        canvas.DrawText(text, Margin, top + 33, SKTextAlign.Left, regular, paint);
    }

    private static void DrawMaps(SKCanvas canvas, InspectCommand.LayerOutput layer, int channels, float left, float right, float top)
    {
        var (h, w) = (layer.Shape.Height, layer.Shape.Width);
        var plane = h * w;
        for (var c = 0; c < Math.Min(channels, layer.Shape.Channels); c++)
        {
            var a = layer.First.AsSpan(c * plane, plane);
            var b = layer.Second.AsSpan(c * plane, plane);
            var low = Math.Min(0f, Math.Min(Min(a), Min(b)));
            var high = Math.Max(Max(a), Max(b));
            var x = c * (Tile + Gap);
            DrawGray(canvas, Scale(a, low, high), w, h, left + x, top, Tile);
            DrawGray(canvas, Scale(b, low, high), w, h, right + x, top, Tile);
        }
    }

    private static void DrawStrips(SKCanvas canvas, InspectCommand.LayerOutput layer, float left, float right, float top, int panel)
    {
        var scale = Math.Max(layer.First.Concat(layer.Second).Max(v => Math.Abs(v)), 1e-12f);
        Strip(canvas, layer.First, scale, left, top, panel);
        Strip(canvas, layer.Second, scale, right, top, panel);
    }

    private static void Strip(SKCanvas canvas, float[] values, float scale, float left, float top, int panel)
    {
        var cell = (float)panel / values.Length;
        using var paint = new SKPaint { IsAntialias = false };
        for (var i = 0; i < values.Length; i++)
        {
            var t = Math.Clamp(values[i] / scale, -1f, 1f);
            byte Fade(float f) => (byte)Math.Round(255 * (1 - Math.Abs(f)));
            paint.Color = t >= 0 ? new SKColor(255, Fade(t), Fade(t)) : new SKColor(Fade(t), Fade(t), 255);
            canvas.DrawRect(SKRect.Create(left + i * cell, top, Math.Max(cell, 1), StripHeight), paint);
        }
        using var frame = new SKPaint { Style = SKPaintStyle.Stroke, Color = Muted, StrokeWidth = 1 };
        canvas.DrawRect(SKRect.Create(left, top, panel, StripHeight), frame);
    }

    private static float Min(ReadOnlySpan<float> values)
    {
        var m = float.PositiveInfinity;
        foreach (var v in values)
            m = Math.Min(m, v);
        return m;
    }

    private static float Max(ReadOnlySpan<float> values)
    {
        var m = float.NegativeInfinity;
        foreach (var v in values)
            m = Math.Max(m, v);
        return m;
    }

    private static byte[] Scale(ReadOnlySpan<float> values, float low, float high)
    {
        var pixels = new byte[values.Length];
        var range = high - low;
        for (var i = 0; i < values.Length; i++)
            pixels[i] = range > 0 ? (byte)Math.Round(255 * Math.Clamp((values[i] - low) / range, 0f, 1f)) : (byte)0;
        return pixels;
    }

    private static void DrawGray(SKCanvas canvas, byte[] pixels, int width, int height, float left, float top, int size)
    {
        var info = new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
        using var image = SKImage.FromPixelCopy(info, pixels, width);
        var (w, h) = width >= height ? ((float)size, size * height / (float)width) : (size * width / (float)height, (float)size);
        canvas.DrawImage(image, SKRect.Create(left, top, w, h), new SKSamplingOptions(SKFilterMode.Nearest));
    }
}
