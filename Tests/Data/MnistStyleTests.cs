using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace IlgpuSiamese.Tests.Data;

/// <summary>
/// MNIST's own preparation on drawn images, against fields worked out by hand: the ink cropped, fitted to 20x20
/// keeping its aspect (area averages when shrinking), placed in 28x28 with its centre of mass at (14, 14).
/// </summary>
public class MnistStyleTests
{
    private static readonly Rgb24 White = new(255, 255, 255), Black = new(0, 0, 0);
    private TempFolder temp = null!;

    [SetUp]
    public void CreateFolder() => temp = new TempFolder();

    [TearDown]
    public void DeleteFolder() => temp.Dispose();

    /// <summary>A width x height PNG of paper with the given (top, left, height, width) rectangles of ink.</summary>
    private string Draw(string name, int width, int height, Rgb24 paper, Rgb24 ink, params (int Top, int Left, int Height, int Width)[] rectangles)
    {
        using var image = new Image<Rgb24>(width, height, paper);
        foreach (var (top, left, h, w) in rectangles)
        {
            for (var y = top; y < top + h; y++)
            for (var x = left; x < left + w; x++)
                image[x, y] = ink;
        }
        image.SaveAsPng(temp[name]);
        return temp[name];
    }

    private static byte[] Prepare(string path, InvertMode invert = InvertMode.Auto) => GrayImages.Read(path, 28, 28, ImagePreparation.Mnist, invert);

    /// <summary>The expected field: <paramref name="digit"/> (rows of values) placed with its top-left at (top, left), 0 elsewhere.</summary>
    private static byte[] Field(byte[,] digit, int top, int left)
    {
        var field = new byte[28 * 28];
        for (var y = 0; y < digit.GetLength(0); y++)
        for (var x = 0; x < digit.GetLength(1); x++)
            field[(top + y) * 28 + left + x] = digit[y, x];
        return field;
    }

    private static byte[,] Filled(int height, int width, byte value)
    {
        var block = new byte[height, width];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
            block[y, x] = value;
        return block;
    }

    [Test]
    public void TheInkIsCroppedAndFittedTo20KeepingItsAspect()
    {
        // A 30x60 ink bar off-centre on 200x150 paper: cropped, scaled by 20/60 to 10x20, its centre of mass
        // (9.5, 4.5) moved to (14, 14): rows 4.5 -> 5 .. 24, columns 9.5 -> 10 .. 19 (halves round away from 0).
        var path = Draw("bar.png", 200, 150, White, Black, (20, 120, 60, 30));

        Assert.That(Prepare(path), Is.EqualTo(Field(Filled(20, 10, 255), 5, 10)));
    }

    [Test]
    public void ShrinkingAveragesEachOutputPixelOverTheAreaItCovers()
    {
        // Two 9x9 squares in the corners of a 40x40 ink box, halved to 20x20: an output pixel covers 2x2 inputs,
        // so a square's edge row and column are half ink (128) and its inner corner a quarter (64).
        var path = Draw("corners.png", 60, 60, Black, White, (10, 10, 9, 9), (41, 41, 9, 9));
        var digit = new byte[20, 20];
        for (var i = 0; i < 5; i++)
        for (var j = 0; j < 5; j++)
        {
            var value = (byte)(i == 4 && j == 4 ? 64 : i == 4 || j == 4 ? 128 : 255);
            digit[i, j] = value;
            digit[19 - i, 19 - j] = value;
        }

        Assert.That(Prepare(path), Is.EqualTo(Field(digit, 5, 5)), "symmetric: centre of mass (9.5, 9.5) -> offset 5");
    }

    [Test]
    public void TheCentreOfMassLandsOnTheCentre()
    {
        // A T of 20x20 (no scaling): bar rows 0-3 (80 pixels), stem rows 4-19 columns 8-11 (64 pixels).
        // Centre of mass: row (80*1.5 + 64*11.5)/144 = 5.94, column 9.5; offsets round(14-5.94) = 8, round(4.5) = 5.
        var path = Draw("t.png", 50, 50, Black, White, (5, 17, 4, 20), (9, 25, 16, 4));

        var field = Prepare(path);

        var rows = Enumerable.Range(0, 28).Where(y => Enumerable.Range(0, 28).Any(x => field[y * 28 + x] > 0)).ToList();
        var columns = Enumerable.Range(0, 28).Where(x => Enumerable.Range(0, 28).Any(y => field[y * 28 + x] > 0)).ToList();
        Assert.That((rows[0], rows[^1], columns[0], columns[^1]), Is.EqualTo((8, 27, 5, 24)), "the T's rows and columns");
        double mass = field.Sum(v => (double)v);
        var cy = Enumerable.Range(0, 28 * 28).Sum(i => field[i] * (double)(i / 28)) / mass;
        var cx = Enumerable.Range(0, 28 * 28).Sum(i => field[i] * (double)(i % 28)) / mass;
        Assert.That(cy, Is.EqualTo(14).Within(0.5), "row of the centre of mass");
        Assert.That(cx, Is.EqualTo(14).Within(0.5), "column of the centre of mass");
    }

    [Test]
    public void DarkInkOnLightPaperIsInvertedToTheSameInputAsLightOnDark()
    {
        var dark = Draw("paper.png", 90, 70, White, Black, (10, 30, 40, 12), (10, 42, 8, 20));
        var light = Draw("screen.png", 90, 70, Black, White, (10, 30, 40, 12), (10, 42, 8, 20));

        Assert.That(Prepare(dark), Is.EqualTo(Prepare(light)));
        Assert.That(() => Prepare(dark, InvertMode.No), Throws.TypeOf<UserInputException>().With.Message.Contains("no ink"),
            "told not to invert, black ink on white paper has no ink above the paper");
        Assert.That(() => Prepare(light, InvertMode.Yes), Throws.TypeOf<UserInputException>().With.Message.Contains("no ink"),
            "inverted, a white digit on black is a blank page");
    }

    [Test]
    public void ColouredInkOnTintedPaperIsLevelledToWhiteOnBlack()
    {
        // Paper and ink of luminance ~228 and ~60: the paper becomes 0 and the ink 255; a 20x20 square needs no scaling.
        var path = Draw("tinted.png", 64, 48, new Rgb24(240, 230, 190), new Rgb24(30, 50, 140), (14, 30, 20, 20));

        Assert.That(Prepare(path), Is.EqualTo(Field(Filled(20, 20, 255), 5, 5)));
    }

    [Test]
    public void ABlankPageIsRefused()
    {
        var path = Draw("blank.png", 40, 30, new Rgb24(200, 200, 200), new Rgb24(200, 200, 200));

        Assert.That(() => Prepare(path), Throws.TypeOf<UserInputException>().With.Message.StartsWith($"{path}: no ink: the image is blank"));
    }
}
