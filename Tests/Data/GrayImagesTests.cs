using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Tests.Data;

/// <summary>Images prepared for a model (fit): grayscale, fitted keeping the aspect ratio, padded with 0, inverted to light-on-dark.</summary>
public class GrayImagesTests
{
    private TempFolder temp = null!;

    [SetUp]
    public void CreateFolder() => temp = new TempFolder();

    [TearDown]
    public void DeleteFolder() => temp.Dispose();

    private static byte At(byte[] image, int y, int x) => image[y * 28 + x];

    [Test]
    public void ALightOnDarkImageOfTheInputSizePassesUnchanged()
    {
        var path = TestImages.Square(temp["digit.png"], 28, 28, background: 0, square: 255);
        using var written = Image.Load<L8>(path);
        var expected = new byte[28 * 28];
        written.CopyPixelDataTo(expected);

        Assert.That(GrayImages.Read(path, 28, 28, ImagePreparation.Fit, InvertMode.Auto), Is.EqualTo(expected));
    }

    [TestCase(InvertMode.Auto, 0, 255)]
    [TestCase(InvertMode.Yes, 0, 255)]
    [TestCase(InvertMode.No, 255, 0)]
    public void DarkOnLightIsInvertedUnlessToldNot(InvertMode invert, int background, int square)
    {
        var path = TestImages.Square(temp["paper.png"], 28, 28, background: 255, square: 0);

        var image = GrayImages.Read(path, 28, 28, ImagePreparation.Fit, invert);

        Assert.That((At(image, 0, 0), At(image, 14, 14)), Is.EqualTo(((byte)background, (byte)square)));
    }

    [Test]
    public void InvertYesInvertsLightOnDarkToo()
    {
        var path = TestImages.Square(temp["digit.png"], 28, 28, background: 0, square: 200);

        var image = GrayImages.Read(path, 28, 28, ImagePreparation.Fit, InvertMode.Yes);

        Assert.That((At(image, 0, 0), At(image, 14, 14)), Is.EqualTo(((byte)255, (byte)55)));
    }

    // 56x28 fits as 28x14, rows 7..20; 20x60 fits as 9x28 (20 * 28/60 = 9.3), columns 9..17; the rest is 0.
    [TestCase(56, 28, 7, 21, 0, 28)]
    [TestCase(20, 60, 0, 28, 9, 18)]
    [TestCase(7, 7, 0, 28, 0, 28)]
    public void TheAspectRatioIsKeptAndTheRestPadded(int width, int height, int top, int bottom, int left, int right)
    {
        // Grey 200 with a lighter square so that it holds ink; resampled, its pixels stay well above the padding's 0.
        var path = TestImages.Square(temp["flat.png"], width, height, background: 200, square: 255);

        var image = GrayImages.Read(path, 28, 28, ImagePreparation.Fit, InvertMode.No);

        for (var y = 0; y < 28; y++)
        for (var x = 0; x < 28; x++)
        {
            var inside = y >= top && y < bottom && x >= left && x < right;
            Assert.That(At(image, y, x), inside ? Is.InRange(150, 255) : Is.EqualTo(0), $"pixel ({y}, {x})");
        }
    }

    [Test]
    public void AutoDecidesOnTheImageNotItsPadding()
    {
        var path = TestImages.Square(temp["wide-paper.png"], 84, 42, background: 255, square: 0);

        var image = GrayImages.Read(path, 28, 28, ImagePreparation.Fit, InvertMode.Auto);

        Assert.That(At(image, 0, 14), Is.EqualTo(0), "padding");
        Assert.That(At(image, 8, 0), Is.EqualTo(0).Within(2), "the inverted background");
        Assert.That(At(image, 14, 14), Is.EqualTo(255).Within(2), "the inverted square");
    }

    [TestCase(255, 0, 0, 54)]
    [TestCase(0, 255, 0, 182)]
    [TestCase(0, 0, 255, 18)]
    public void ColourBecomesItsLuminance(int r, int g, int b, int gray)
    {
        // The colour on a black frame: the frame is the paper, so the colour is ink.
        using (var colour = new Image<Rgb24>(10, 10, new Rgb24((byte)r, (byte)g, (byte)b)))
        {
            for (var k = 0; k < 10; k++)
                colour[k, 0] = colour[k, 9] = colour[0, k] = colour[9, k] = new Rgb24(0, 0, 0);
            colour.Save(temp["colour.png"]);
        }

        var image = GrayImages.Read(temp["colour.png"], 28, 28, ImagePreparation.Fit, InvertMode.No);

        Assert.That(At(image, 14, 14), Is.EqualTo(gray).Within(1));
    }

    [Test]
    public void TransparencyIsLaidOverWhite()
    {
        using (var drawing = new Image<Rgba32>(28, 28, new Rgba32(0, 0, 0, 0)))
        {
            for (var y = 10; y < 18; y++)
            for (var x = 10; x < 18; x++)
                drawing[x, y] = new Rgba32(0, 0, 0, 255);
            drawing.Save(temp["ink.png"]);
        }

        var image = GrayImages.Read(temp["ink.png"], 28, 28, ImagePreparation.Fit, InvertMode.Auto);

        Assert.That((At(image, 0, 0), At(image, 14, 14)), Is.EqualTo(((byte)0, (byte)255)), "black ink on a transparent sheet reads as a light digit on dark");
    }

    [TestCase("png")]
    [TestCase("jpg")]
    [TestCase("bmp")]
    [TestCase("gif")]
    [TestCase("webp")]
    public void CommonFormatsAreRead(string extension)
    {
        var path = TestImages.Square(temp[$"digit.{extension}"], 40, 40, background: 0, square: 255);

        var image = GrayImages.Read(path, 28, 28, ImagePreparation.Fit, InvertMode.Auto);

        Assert.That((At(image, 1, 1), At(image, 14, 14)), Is.EqualTo(((byte)0, (byte)255)).Using<(byte, byte)>((a, b) =>
            Math.Abs(a.Item1 - b.Item1) <= 16 && Math.Abs(a.Item2 - b.Item2) <= 16));
    }

    [TestCase("garbage", "not a PNG, JPEG, BMP, GIF or WebP image")]
    [TestCase("truncated", "unreadable image")]
    [TestCase("enormous", "20000x20000 pixels is more than the 64 megapixels allowed; refused before decoding")]
    public void BadFilesAreRefusedByName(string kind, string why)
    {
        var path = TestImages.Bad(temp.Path, kind);

        var error = Assert.Throws<UserInputException>(() => GrayImages.Read(path, 28, 28, ImagePreparation.Fit, InvertMode.Auto))!;

        Assert.That(error.Message, Does.StartWith($"{path}: {why}"));
    }

    [Test]
    public void AMissingFileIsRefusedByName()
    {
        var error = Assert.Throws<UserInputException>(() => GrayImages.Read(temp["none.png"], 28, 28, ImagePreparation.Fit, InvertMode.Auto))!;
        Assert.That(error.Message, Is.EqualTo($"{temp["none.png"]}: no such image file"));
    }
}
