using IlgpuSiamese.Cli;
using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;

namespace IlgpuSiamese.Tests.Cli;

/// <summary>Each kind of bad input: exit code 1 and one line on stderr that names the file.</summary>
public class BadInputTests
{
    private TempFolder temp = null!;
    private string model = null!;
    private string digit = null!;

    [SetUp]
    public void CreateFiles()
    {
        temp = new TempFolder();
        model = TestModels.Untrained(temp["model.siamese"]);
        digit = TestImages.Square(temp["digit.png"], 28, 28, 0, 255);
    }

    [TearDown]
    public void DeleteFiles() => temp.Dispose();

    private static void AssertBadInput(CliRunner.Result result, string named, string why)
    {
        Assert.That(result.Code, Is.EqualTo(ExitCodes.BadInput));
        Assert.That(result.Error, Does.StartWith($"error: {named}: ").And.Contain(why));
        Assert.That(result.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), "one line");
    }

    [TestCase("garbage", "not a PNG, JPEG, BMP, GIF or WebP image")]
    [TestCase("truncated", "unreadable image")]
    [TestCase("enormous", "refused before decoding")]
    public void ACorruptOrEnormousImage(string kind, string why)
    {
        var bad = TestImages.Bad(temp.Path, kind);
        AssertBadInput(CliRunner.Run("compare", digit, bad, "--model", model, "--device", "cpu"), bad, why);
    }

    [Test]
    public void AMissingImage() =>
        AssertBadInput(CliRunner.Run("compare", temp["none.png"], digit, "--model", model, "--device", "cpu"), temp["none.png"], "no such image file");

    [Test]
    public void ABadImageInAFolderToEmbed()
    {
        Directory.CreateDirectory(temp["set"]);
        TestImages.Square(temp["set/ok.png"], 28, 28, 0, 255);
        var bad = TestImages.Bad(temp["set"], "garbage");
        AssertBadInput(CliRunner.Run("embed", "--dir", temp["set"], "--out", temp["e.csv"], "--model", model, "--device", "cpu"), bad, "not a PNG");
        Assert.That(File.Exists(temp["e.csv"]), Is.False);
    }

    [Test]
    public void AModelThatFailsItsChecksum()
    {
        var bytes = File.ReadAllBytes(model);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(model, bytes);
        AssertBadInput(CliRunner.Run("compare", digit, digit, "--model", model, "--device", "cpu"), model, "checksum mismatch");
    }

    [Test]
    public void AModelForColourImages()
    {
        var colour = TestModels.Write(temp["colour.siamese"], new NetworkConfig(TowerSpec.Keras() with { Input = new TensorShape(3, 28, 28) }, LossKind.Contrastive, 1f), new float[10]);
        AssertBadInput(CliRunner.Run("compare", digit, digit, "--model", colour, "--device", "cpu"), colour, "3x28x28");
    }

    [Test]
    public void AModelForAnotherImageSizeThanTheDataset()
    {
        var keras = new TrainingConfig { Preset = TowerSpec.KerasPreset }.Network();
        var large = TestModels.Untrained(temp["large.siamese"], keras with { Tower = keras.Tower with { Input = new TensorShape(1, 32, 32) } });
        IdxFiles.WriteDataset(temp["digits"], classes: 3, trainPerClass: 24, testPerClass: 4, side: 28);
        AssertBadInput(CliRunner.Run("evaluate", "--model", large, "--dataset", temp["digits"], "--oneshot", "3", "--device", "cpu"), large, "32x32");
    }

    [Test]
    public void AMissingPairList() =>
        AssertBadInput(CliRunner.Run("compare", "--pairs", temp["list.csv"], "--model", model, "--device", "cpu"), temp["list.csv"], "no such pairs file");

    [TestCase("")]
    [TestCase("one.png")]
    [TestCase("a.png b.png --dir .")]
    public void NotExactlyOneSourceOfPairs(string args)
    {
        var result = CliRunner.Run(["compare", .. args.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--model", model, "--device", "cpu"]);
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(result.Error, Does.Contain("compare takes two images, or --pairs list.csv, or --dir FOLDER"));
    }
}
