using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace IlgpuSiamese.Tests.Data;

/// <summary>
/// MNIST-style preparation of digits as phones and forms capture them: uneven light on the paper
/// (<see cref="PaperFlattening"/>), ruled lines, specks and pieces cut off at the edge (<see cref="DigitIsolation"/>).
/// Each drawing is compared with the same digit drawn plainly on evenly lit paper.
/// </summary>
public class PaperAndFormTests
{
    private const int Side = 120;
    private TempFolder temp = null!;

    [SetUp]
    public void CreateFolder() => temp = new TempFolder();

    [TearDown]
    public void DeleteFolder() => temp.Dispose();

    /// <summary>A digit-like "4": a slanted stroke, a bar and an upright, 8 px wide, inside (30..90, 30..90).</summary>
    private static bool Digit(int x, int y) =>
        (y >= 30 && y < 70 && Math.Abs(x - (60 - (y - 30) / 2)) < 4) || (y >= 66 && y < 74 && x >= 36 && x < 88) || (x >= 66 && x < 74 && y >= 30 && y < 92);

    /// <summary>A Side x Side PNG whose grey at (x, y) is <paramref name="grey"/>.</summary>
    private string Draw(string name, Func<int, int, double> grey)
    {
        using var image = new Image<L8>(Side, Side);
        for (var y = 0; y < Side; y++)
        for (var x = 0; x < Side; x++)
            image[x, y] = new L8((byte)Math.Clamp(Math.Round(grey(x, y)), 0, 255));
        image.SaveAsPng(temp[name]);
        return temp[name];
    }

    private static byte[] Prepare(string path) => GrayImages.Read(path, 28, 28, ImagePreparation.Mnist, InvertMode.Auto);

    private byte[] Plain() => Prepare(Draw("plain.png", (x, y) => Digit(x, y) ? 30 : 250));

    private static double MeanDifference(byte[] a, byte[] b) => a.Zip(b, (p, q) => Math.Abs(p - q)).Average();

    [Test]
    public void PaperInShadowOnOneSideIsNotInk()
    {
        // The light falls from 1 on the left to 0.3 on the right: the paper on the right (75) is darker than the ink
        // on the left (30) is light, so a single paper level would call the whole right side ink.
        var path = Draw("side-lit.png", (x, y) => (Digit(x, y) ? 30 : 250) * (1 - 0.7 * x / (Side - 1.0)));

        var prepared = Prepare(path);

        Assert.That(MeanDifference(prepared, Plain()), Is.LessThan(3), "mean difference per pixel, of 255");
        Assert.That(prepared.Count(v => v > 0), Is.EqualTo(Plain().Count(v => v > 0)).Within(10), "ink pixels");
    }

    [Test]
    public void LightFallingOffTowardsTheCornersIsNotInk()
    {
        var path = Draw("vignette.png", (x, y) =>
            (Digit(x, y) ? 30 : 250) * (1 - 0.35 * (Math.Pow((x - 60) / 60.0, 2) + Math.Pow((y - 60) / 60.0, 2))));

        Assert.That(MeanDifference(Prepare(path), Plain()), Is.LessThan(3));
    }

    [Test]
    public void AThickBlotOfInkIsNotTakenForPaper()
    {
        // Ink over a third of the image each way: a window-based estimate of the paper would take its middle for paper.
        var path = Draw("blot.png", (x, y) => (x >= 30 && x < 90 && y >= 20 && y < 100 ? 30 : 250) * (1 - 0.4 * y / (Side - 1.0)));

        var prepared = Prepare(path);

        Assert.That(prepared[14 * 28 + 14], Is.GreaterThanOrEqualTo(250), "the blot's middle is ink (bytes of shaded ink round differently)");
        Assert.That(prepared.Count(v => v >= 250), Is.GreaterThan(15 * 20 - 40), "the blot fills 15x20 of the field");
    }

    [Test]
    public void TheRuledBoxOfAFormIsDropped()
    {
        // Two rules across the page at rows 12 and 106 (3 px), two uprights between them at columns 10 and 108.
        static bool Box(int x, int y) => Math.Abs(y - 12) <= 1 || Math.Abs(y - 106) <= 1 || (y > 12 && y < 106 && (Math.Abs(x - 10) <= 1 || Math.Abs(x - 108) <= 1));
        var path = Draw("boxed.png", (x, y) => Digit(x, y) || Box(x, y) ? 30 : 250);

        Assert.That(Prepare(path), Is.EqualTo(Plain()));
    }

    [Test]
    public void AClosedFrameInsideThePageIsDropped()
    {
        static bool Frame(int x, int y) => x >= 15 && x <= 105 && y >= 15 && y <= 105 && (x <= 17 || x >= 103 || y <= 17 || y >= 103);
        var path = Draw("frame.png", (x, y) => Digit(x, y) || Frame(x, y) ? 30 : 250);

        Assert.That(Prepare(path), Is.EqualTo(Plain()));
    }

    [Test]
    public void SpecksAndAPieceCutOffAtTheEdgeAreDropped()
    {
        // A 2x2 speck on the paper, and a stroke of a neighbouring digit entering at the left edge.
        var path = Draw("specks.png", (x, y) => Digit(x, y) || (x is 100 or 101 && y is 20 or 21) || (x < 12 && Math.Abs(y - 50) < 4) ? 30 : 250);

        Assert.That(Prepare(path), Is.EqualTo(Plain()));
    }

    [Test]
    public void ALongStraightStrokeOfTheDigitIsKept()
    {
        // A "1" as a straight upright nine tenths of the page tall: long and thin like a rule, but its ends are on paper.
        static bool One(int x, int y) => x >= 56 && x < 64 && y >= 6 && y < 114;
        var path = Draw("one.png", (x, y) => One(x, y) ? 30 : 250);

        var prepared = Prepare(path);

        Assert.That(Enumerable.Range(0, 28).Count(y => prepared[y * 28 + 14] == 255), Is.EqualTo(20), "20 rows of ink, as MNIST fits digits");
    }

    [Test]
    public void ADigitTouchingTheEdgeIsKept()
    {
        var path = Draw("cropped.png", (x, y) => Digit(x + 25, y) ? 30 : 250);

        Assert.That(Prepare(path).Count(v => v > 0), Is.EqualTo(Plain().Count(v => v > 0)).Within(20));
    }

    [Test]
    public void HalfOfTheInkIsFullAsInMnist()
    {
        // A pencil-grey digit with one black dot on its bar: levelled to the dot alone, the rest would reach the model at half strength.
        var path = Draw("pencil.png", (x, y) => x is >= 50 and < 53 && y is >= 68 and < 71 ? 0 : Digit(x, y) ? 130 : 250);

        var prepared = Prepare(path);

        Assert.That(MeanDifference(prepared, Plain()), Is.LessThan(3), "mean difference per pixel from the digit in black ink");
    }

    [TestCase("an empty box")]
    [TestCase("paper in shadow towards a corner")]
    public void PaperWithNothingButRulesOrShadeIsRefused(string what)
    {
        static bool Box(int x, int y) => Math.Abs(y - 12) <= 1 || Math.Abs(y - 106) <= 1 || (y > 12 && y < 106 && (Math.Abs(x - 10) <= 1 || Math.Abs(x - 108) <= 1));
        var path = what == "an empty box"
            ? Draw("box.png", (x, y) => Box(x, y) ? 30 : 250)
            : Draw("shade.png", (x, y) => 250 * (1 - 0.7 * Math.Max(0, (x + y) / (2 * (Side - 1.0)) - 0.5)));

        Assert.That(() => Prepare(path), Throws.TypeOf<UserInputException>().With.Message.EqualTo($"{path}: {GrayImages.NothingLeft}"));
    }
}
