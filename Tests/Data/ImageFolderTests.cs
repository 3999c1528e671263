using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Tests.Data;

public class ImageFolderTests
{
    private static readonly string[] Formats = [".png", ".jpg", ".bmp"];
    private TempFolder temp = null!;

    [SetUp]
    public void CreateFolder() => temp = new TempFolder();

    [TearDown]
    public void DeleteFolder() => temp.Dispose();

    /// <summary>count images of class c: black, with a centred square of grey (c + 1) * 60, in rotating formats and sizes.</summary>
    private void WriteClass(string folder, int c, int count, bool darkOnLight = false)
    {
        Directory.CreateDirectory(folder);
        for (var i = 0; i < count; i++)
        {
            var (width, height) = (40 + i, 30 + 2 * i);
            using var image = new Image<Rgb24>(width, height, darkOnLight ? new Rgb24(255, 255, 255) : new Rgb24(0, 0, 0));
            var grey = (byte)(darkOnLight ? 255 - (c + 1) * 60 : (c + 1) * 60);
            for (var y = height / 4; y < 3 * height / 4; y++)
            for (var x = width / 4; x < 3 * width / 4; x++)
                image[x, y] = new Rgb24(grey, grey, grey);
            image.Save(Path.Combine(folder, $"img{i:D2}{Formats[i % Formats.Length]}"));
        }
    }

    [Test]
    public void ClassesSplitAndSizes()
    {
        foreach (var (name, c) in new[] { ("cat", 0), ("dog", 1), ("emu", 2) })
            WriteClass(temp[Path.Combine("animals", name)], c, count: 12);
        File.WriteAllText(temp["animals/cat/notes.txt"], "not an image");

        var split = ImageFolder.Load(temp["animals"], size: 28, strict: true);

        Assert.That(split.Train.ClassNames, Is.EqualTo(new[] { "cat", "dog", "emu" }));
        Assert.That(split.Test.ClassNames, Is.EqualTo(split.Train.ClassNames));
        Assert.That((split.Train.Count, split.Test.Count), Is.EqualTo((30, 6)), "every 6th image of a class is a test image");
        Assert.That((split.Train.Height, split.Train.Width), Is.EqualTo((28, 28)));
        Assert.That(split.Test.Labels, Is.EqualTo(new[] { 0, 0, 1, 1, 2, 2 }));
        Assert.That(split.Train.Name, Is.EqualTo("animals"));
        for (var i = 0; i < split.Train.Count; i++)
        {
            var image = split.Train.Image(i);
            Assert.That(image[14 * 28 + 14], Is.EqualTo((split.Train.Labels[i] + 1) * 60).Within(12), $"centre of image {i}");
            Assert.That(image[0], Is.LessThan(12), $"corner of image {i}");
        }
    }

    [Test]
    public void TrainAndTestSubfoldersAreTheSplit()
    {
        WriteClass(temp["set/train/a"], 0, 3);
        WriteClass(temp["set/train/b"], 1, 4);
        WriteClass(temp["set/test/b"], 1, 2);

        var split = ImageFolder.Load(temp["set"], size: 16, strict: true);

        Assert.That((split.Train.Count, split.Test.Count), Is.EqualTo((7, 2)));
        Assert.That(split.Test.Labels, Is.EqualTo(new[] { 1, 1 }));
        Assert.That(split.Test.ClassNames, Is.EqualTo(new[] { "a", "b" }));
    }

    [Test]
    public void TestClassUnknownToTrainIsAnError()
    {
        WriteClass(temp["set/train/a"], 0, 3);
        WriteClass(temp["set/test/z"], 1, 2);
        var error = Assert.Throws<UserInputException>(() => ImageFolder.Load(temp["set"], 16, strict: false))!;
        Assert.That(error.Message, Does.Contain(temp["set/test"]).And.Contain("z"));
    }

    [Test]
    public void DarkOnLightImagesAreInverted()
    {
        WriteClass(temp["paper/a"], 0, 6, darkOnLight: true);
        WriteClass(temp["paper/b"], 1, 6, darkOnLight: true);
        var log = new Recorder<string>();

        var split = ImageFolder.Load(temp["paper"], size: 20, strict: true, log);

        Assert.That(split.Train.Image(0)[0], Is.LessThan(12), "background 0 after inversion");
        Assert.That(split.Train.Image(0)[10 * 20 + 10], Is.EqualTo(60).Within(12));
        Assert.That(log.Items, Has.Some.Contains("inverted"));
    }

    [Test]
    public void MnistStyleEachImagesInkIsInvertedCroppedAndFittedTo20()
    {
        WriteClass(temp["paper/a"], 0, 6, darkOnLight: true);
        WriteClass(temp["paper/b"], 1, 6, darkOnLight: true);

        var split = ImageFolder.Load(temp["paper"], size: 28, strict: true, preparation: ImagePreparation.Mnist);

        Assert.That(split.Preparation, Is.EqualTo(ImagePreparation.Mnist));
        for (var i = 0; i < split.Train.Count; i++)
        {
            var image = split.Train.Image(i).ToArray();
            var ink = Enumerable.Range(0, 28 * 28).Where(k => image[k] > 0).ToList();
            var (height, width) = (ink.Max(k => k / 28) - ink.Min(k => k / 28) + 1, ink.Max(k => k % 28) - ink.Min(k => k % 28) + 1);
            Assert.That(image[0], Is.EqualTo(0), $"the paper of image {i}");
            Assert.That(image[14 * 28 + 14], Is.GreaterThan(200), $"the ink of image {i}, levelled to 255 less JPEG's ripples");
            Assert.That(Math.Max(height, width), Is.EqualTo(20), $"the longer side of image {i}'s ink");
        }
    }

    [TestCase("garbage.png", "not a PNG, JPEG, BMP, GIF or WebP image")]
    [TestCase("truncated.png", "unreadable image")]
    [TestCase("bomb.bmp", "20000x20000 pixels is more than the 64 megapixels allowed; refused before decoding")]
    public void BadImageIsSkippedWithAWarningOrFailsWhenStrict(string file, string why)
    {
        WriteClass(temp["set/a"], 0, 7);
        WriteClass(temp["set/b"], 1, 7);
        var bad = temp[Path.Combine("set", "b", file)];
        File.WriteAllBytes(bad, file switch
        {
            "garbage.png" => "hello, not an image"u8.ToArray(),
            "truncated.png" => File.ReadAllBytes(temp["set/a/img00.png"])[..60],
            _ => TestImages.BmpHeader(20_000, 20_000),
        });
        var log = new Recorder<string>();

        var split = ImageFolder.Load(temp["set"], size: 28, strict: false, log);

        Assert.That(split.Train.Count + split.Test.Count, Is.EqualTo(14));
        Assert.That(log.Items, Has.Some.StartsWith($"warning: skipped {bad}: {why}"));
        var error = Assert.Throws<UserInputException>(() => ImageFolder.Load(temp["set"], size: 28, strict: true))!;
        Assert.That(error.Message, Does.StartWith($"{bad}: {why}"));
    }

    [Test]
    public void FolderWithoutClassSubfoldersIsAnError()
    {
        Directory.CreateDirectory(temp["flat"]);
        File.WriteAllBytes(temp["flat/x.png"], []);
        var error = Assert.Throws<UserInputException>(() => ImageFolder.Load(temp["flat"], 28, strict: false))!;
        Assert.That(error.Message, Does.StartWith(temp["flat"]).And.Contain("one subfolder of images per class"));
    }
}
