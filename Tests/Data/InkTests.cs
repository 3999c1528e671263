using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Tests.Data;

/// <summary>
/// An image without ink (nothing 16 of 255 from its paper, the border's median) is refused by name under every
/// preparation; one whose ink stands exactly 16 from the paper is read. Image folders skip it as they skip a corrupt file.
/// </summary>
public class InkTests
{
    private TempFolder temp = null!;

    [SetUp]
    public void CreateFolder() => temp = new TempFolder();

    [TearDown]
    public void DeleteFolder() => temp.Dispose();

    [Test]
    public void TheContrastIsTheStrongestInkOnEachSideOfTheBordersMedian()
    {
        // A 3x3 image: border of 100 but one 90 and one 250 on it (the median stays 100), centre 30.
        byte[] pixels = [100, 90, 100, 100, 30, 100, 100, 250, 100];

        Assert.That(Ink.Contrast(pixels, 3, 3, darkOnLight: true), Is.EqualTo(70));
        Assert.That(Ink.Contrast(pixels, 3, 3, darkOnLight: false), Is.EqualTo(150));
    }

    [Test]
    public void WithoutInkMnistStyleHasNoDigitEither()
    {
        // Small random images whose pixels spread up to 24 around a paper grey: about half stand 16 from it on a side.
        // MNIST-style preparation finds no digit in any image the rule calls blank (it may find none in more: see PaperAndFormTests).
        var random = new Random(TestSeed.ForCurrentTest());
        var (blank, inked) = (0, 0);
        for (var trial = 0; trial < 2000; trial++)
        {
            var (height, width, paper, spread) = (random.Next(3, 12), random.Next(3, 12), random.Next(30, 226), random.Next(0, 25));
            var pixels = Enumerable.Range(0, height * width).Select(_ => (byte)(paper + random.Next(-spread, spread + 1))).ToArray();
            var darkOnLight = random.Next(2) == 0;

            var field = MnistStyle.Prepare(pixels, height, width, darkOnLight, 28, 28);

            var noInk = Ink.Contrast(pixels, height, width, darkOnLight) < MnistStyle.MinContrast;
            if (noInk)
                Assert.That(field, Is.Null, $"trial {trial}: {height}x{width}, dark on light {darkOnLight}");
            (blank, inked) = noInk ? (blank + 1, inked) : (blank, inked + 1);
        }
        Assert.That(Math.Min(blank, inked), Is.GreaterThan(200), $"both cases are drawn ({blank} blank, {inked} with ink)");
    }

    [Test]
    public void AnImageWithoutInkIsRefusedByNameUnderEveryPreparation(
        [Values("white", "transparent", "grey")] string kind, [Values] ImagePreparation preparation)
    {
        var path = TestImages.NoInk(temp.Path, kind);

        var error = Assert.Throws<UserInputException>(() => GrayImages.Read(path, 28, 28, preparation, InvertMode.Auto))!;

        Assert.That(error.Message, Does.StartWith($"{path}: no ink: the image is blank (nothing in it stands 16 of 255 or more from its paper"));
    }

    [Test]
    public void FaintInkAtTheThresholdIsReadAndJustBelowItIsRefused([Values] ImagePreparation preparation)
    {
        var faint = TestImages.Square(temp["faint.png"], 28, 28, background: 255, square: 255 - 16);
        var fainter = TestImages.Square(temp["fainter.png"], 28, 28, background: 255, square: 255 - 15);

        var image = GrayImages.Read(faint, 28, 28, preparation, InvertMode.Auto);

        Assert.That(image.Max(), Is.GreaterThan(0), "some ink reaches the input");
        Assert.That(() => GrayImages.Read(fainter, 28, 28, preparation, InvertMode.Auto),
            Throws.TypeOf<UserInputException>().With.Message.StartsWith($"{fainter}: no ink: the image is blank"));
    }

    [Test]
    public void MnistStyleLooksForInkOnTheSideItWasToldAndSaysSo()
    {
        var light = TestImages.Square(temp["light.png"], 28, 28, background: 0, square: 255);
        var dark = TestImages.Square(temp["dark.png"], 28, 28, background: 255, square: 0);

        Assert.That(() => GrayImages.Read(light, 28, 28, ImagePreparation.Mnist, InvertMode.Yes), Throws.TypeOf<UserInputException>()
            .With.Message.StartsWith($"{light}: no ink: nothing in it is 16 of 255 or more darker than its paper").And.Message.Contains("--invert auto"));
        Assert.That(() => GrayImages.Read(dark, 28, 28, ImagePreparation.Mnist, InvertMode.No), Throws.TypeOf<UserInputException>()
            .With.Message.StartsWith($"{dark}: no ink: nothing in it is 16 of 255 or more lighter than its paper"));
        Assert.That(GrayImages.Read(light, 28, 28, ImagePreparation.Fit, InvertMode.Yes).Max(), Is.EqualTo(255),
            "fitted or stretched, the whole image is the input: its marks count on either side");
    }

    [Test]
    public void AnImageFolderSkipsAnImageWithoutInkWithAWarningOrFailsWhenStrict([Values] ImagePreparation preparation)
    {
        foreach (var (name, square) in new[] { ("a", (byte)120), ("b", (byte)250) })
        {
            Directory.CreateDirectory(temp[$"set/{name}"]);
            for (var i = 0; i < 7; i++)
                TestImages.Square(temp[$"set/{name}/{i}.png"], 28 + i, 28, background: 0, square);
        }
        var blank = TestImages.NoInk(temp["set/b"], "transparent");
        var log = new Recorder<string>();

        var split = ImageFolder.Load(temp["set"], size: 28, strict: false, log, preparation: preparation);

        Assert.That(split.Train.Count + split.Test.Count, Is.EqualTo(14), "the 14 images with ink");
        Assert.That(log.Items, Has.One.StartsWith($"warning: skipped {blank}: no ink: the image is blank"));
        Assert.That(() => ImageFolder.Load(temp["set"], size: 28, strict: true, preparation: preparation),
            Throws.TypeOf<UserInputException>().With.Message.StartsWith($"{blank}: no ink"));
    }
}
