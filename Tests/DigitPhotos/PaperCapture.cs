using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace IlgpuSiamese.DigitPhotos;

/// <summary>
/// The harder kinds (<see cref="PhotoKind.Boxed"/> and after): the digit enlarged as an ink map (255 = ink),
/// changed as the pen, the form or the camera would change it, then laid on paper under the kind's light.
/// </summary>
public static class PaperCapture
{
    public static Image<Rgb24> Render(PhotoKind kind, ReadOnlySpan<byte> digit, Random random)
    {
        using var ink = Image.LoadPixelData<L8>(digit, DigitRenderer.Side, DigitRenderer.Side);
        switch (kind)
        {
            case PhotoKind.Boxed:
                ink.Mutate(x => x.Resize(84, 84));
                using (var form = new Image<L8>(120, 120))
                {
                    form.Mutate(x => x.DrawImage(ink, new Point(random.Next(12, 25), random.Next(12, 25)), 1f));
                    DrawBox(form, random);
                    return OnPaper(form, _ => 1f, random, noise: 3);
                }
            case PhotoKind.SideLit:
                ink.Mutate(x => x.Resize(112, 112));
                var angle = random.NextDouble() * 2 * Math.PI;
                var (dx, dy, falloff) = (Math.Cos(angle), Math.Sin(angle), 0.5 + 0.25 * random.NextDouble());
                return OnPaper(ink, p =>
                {
                    var along = ((p.X / 111.0 - 0.5) * dx + (p.Y / 111.0 - 0.5) * dy) / Math.Sqrt(0.5) * 0.5 + 0.5;
                    return (float)(1 - falloff * along);
                }, random, noise: 8);
            case PhotoKind.Thick:
                ink.Mutate(x => x.Resize(112, 112));
                using (var thick = Dilate(ink, random.Next(4, 7)))
                    return OnPaper(thick, _ => 1f, random, noise: 3);
            case PhotoKind.Rotated:
                ink.Mutate(x => x.Resize(112, 112).Rotate((float)((random.Next(2) * 2 - 1) * (8 + 12 * random.NextDouble()))));
                return OnPaper(ink, _ => 1f, random, noise: 3);
            case PhotoKind.Blurred:
                ink.Mutate(x => x.Resize(280, 280).GaussianBlur((float)(5 + 4 * random.NextDouble())));
                return OnPaper(ink, _ => 1f, random, noise: 4);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "rendered by DigitRenderer");
        }
    }

    /// <summary>A form's box: two ruled lines across the whole page and two uprights between them, each 2-4 px wide, 6-14 px from the edge.</summary>
    private static void DrawBox(Image<L8> form, Random random)
    {
        var (top, bottom) = (random.Next(6, 15), form.Height - random.Next(6, 15));
        var (left, right) = (random.Next(6, 15), form.Width - random.Next(6, 15));
        var width = random.Next(2, 5);
        var strength = (byte)random.Next(160, 256);
        for (var y = 0; y < form.Height; y++)
        for (var x = 0; x < form.Width; x++)
        {
            var across = Math.Abs(y - top) < width / 2.0 + 0.5 || Math.Abs(y - bottom) < width / 2.0 + 0.5;
            var upright = y >= top && y <= bottom && (Math.Abs(x - left) < width / 2.0 + 0.5 || Math.Abs(x - right) < width / 2.0 + 0.5);
            if (across || upright)
                form[x, y] = new L8(Math.Max(form[x, y].PackedValue, strength));
        }
    }

    /// <summary>Each pixel the largest within <paramref name="radius"/> of it: strokes grow by the radius on every side.</summary>
    private static Image<L8> Dilate(Image<L8> ink, int radius)
    {
        var dilated = new Image<L8>(ink.Width, ink.Height);
        for (var y = 0; y < ink.Height; y++)
        for (var x = 0; x < ink.Width; x++)
        {
            byte largest = 0;
            for (var v = Math.Max(0, y - radius); v <= Math.Min(ink.Height - 1, y + radius); v++)
            for (var u = Math.Max(0, x - radius); u <= Math.Min(ink.Width - 1, x + radius); u++)
            {
                if ((u - x) * (u - x) + (v - y) * (v - y) <= radius * radius)
                    largest = Math.Max(largest, ink[u, v].PackedValue);
            }
            dilated[x, y] = new L8(largest);
        }
        return dilated;
    }

    /// <summary>
    /// Dark ink (grey 20-50) on white paper, both times the light falling on each pixel (1 = full light),
    /// plus Gaussian sensor noise of the given standard deviation (of 255).
    /// </summary>
    private static Image<Rgb24> OnPaper(Image<L8> ink, Func<Point, float> light, Random random, double noise)
    {
        var inkGrey = random.Next(20, 51);
        var photo = new Image<Rgb24>(ink.Width, ink.Height);
        for (var y = 0; y < ink.Height; y++)
        for (var x = 0; x < ink.Width; x++)
        {
            var t = ink[x, y].PackedValue / 255.0;
            var grey = (250 + (inkGrey - 250) * t) * light(new Point(x, y)) + noise * Gaussian(random);
            var value = (byte)Math.Clamp(Math.Round(grey), 0, 255);
            photo[x, y] = new Rgb24(value, value, value);
        }
        return photo;
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
