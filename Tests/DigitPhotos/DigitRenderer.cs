using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace IlgpuSiamese.DigitPhotos;

/// <summary>Renders a 28x28 light-on-dark MNIST digit as one <see cref="PhotoKind"/> of image file.</summary>
public static class DigitRenderer
{
    public const int Side = 28;

    private static readonly Rgb24[] Inks = [new(20, 40, 150), new(150, 20, 30), new(20, 100, 40), new(90, 30, 120), new(40, 40, 40)];
    private static readonly Rgb24[] Papers = [new(250, 240, 200), new(225, 235, 250), new(240, 220, 225), new(230, 245, 225), new(215, 215, 210)];

    /// <summary>Writes <paramref name="digit"/> (28x28 bytes, 255 = ink) as <paramref name="kind"/> to <paramref name="pathWithoutExtension"/> plus the kind's extension; returns the path.</summary>
    public static string Render(PhotoKind kind, ReadOnlySpan<byte> digit, Random random, string pathWithoutExtension)
    {
        var (ink, paper) = kind switch
        {
            PhotoKind.Jpeg => (new Rgb24(255, 255, 255), new Rgb24(0, 0, 0)),
            PhotoKind.Coloured => (Inks[random.Next(Inks.Length)], Papers[random.Next(Papers.Length)]),
            _ => (new Rgb24(0, 0, 0), new Rgb24(255, 255, 255)),
        };
        var path = pathWithoutExtension + (kind == PhotoKind.Inverted ? ".png" : ".jpg");
        if (kind >= PhotoKind.Boxed)
        {
            using var captured = PaperCapture.Render(kind, digit, random);
            captured.SaveAsJpeg(path, new JpegEncoder { Quality = kind == PhotoKind.Blurred ? random.Next(15, 31) : 80 });
            return path;
        }
        using var image = Colour(digit, ink, paper);
        switch (kind)
        {
            case PhotoKind.Jpeg:
                image.Mutate(x => x.Resize(224, 224));
                image.SaveAsJpeg(path, new JpegEncoder { Quality = 75 });
                break;
            case PhotoKind.Inverted:
                image.Mutate(x => x.Resize(84, 84));
                image.SaveAsPng(path);
                break;
            case PhotoKind.Coloured:
                image.Mutate(x => x.Resize(140, 140));
                image.SaveAsJpeg(path, new JpegEncoder { Quality = 85 });
                break;
            case PhotoKind.OffCentre:
                image.Mutate(x => x.Resize(2 * Side, 2 * Side));
                using (var canvas = new Image<Rgb24>(336, 112, paper))
                {
                    var at = new Point(random.Next(336 - 2 * Side + 1), random.Next(112 - 2 * Side + 1));
                    canvas.Mutate(x => x.DrawImage(image, at, 1f));
                    canvas.SaveAsJpeg(path, new JpegEncoder { Quality = 85 });
                }
                break;
        }
        return path;
    }

    /// <summary>The digit as ink on paper: each pixel mixes the two by the digit's value.</summary>
    public static Image<Rgb24> Colour(ReadOnlySpan<byte> digit, Rgb24 ink, Rgb24 paper)
    {
        var image = new Image<Rgb24>(Side, Side);
        for (var y = 0; y < Side; y++)
        for (var x = 0; x < Side; x++)
        {
            var t = digit[y * Side + x] / 255f;
            image[x, y] = new Rgb24(Mix(paper.R, ink.R, t), Mix(paper.G, ink.G, t), Mix(paper.B, ink.B, t));
        }
        return image;
    }

    private static byte Mix(byte from, byte to, float t) => (byte)MathF.Round(from + (to - from) * t);
}
