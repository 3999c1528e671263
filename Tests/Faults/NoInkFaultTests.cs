using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Faults;

/// <summary>
/// An image without ink (blank white, all transparent, uniform grey): every command that gives a user's image file to
/// a model refuses it by name with exit 1 and compares nothing, as it does a corrupt file; image folders skip it with a
/// warning as they skip a corrupt file (--strict refuses it). Faint ink at the threshold is still compared.
/// </summary>
public class NoInkFaultTests : FaultScenario
{
    private const string Blank = "no ink: the image is blank";

    [TestCase("white")]
    [TestCase("transparent")]
    [TestCase("grey")]
    public void ComparingAnImageWithoutInkIsRefusedByName(string kind)
    {
        var blank = TestImages.NoInk(Temp.Path, kind);

        AssertRefused(CliRunner.Run("compare", Digit, blank, "--model", Model, "--device", "cpu"), blank, Blank);
        var result = CliRunner.Run("compare", blank, Digit, "--model", Model, "--device", "cpu", "--json");
        AssertRefused(result, blank, Blank);
        Assert.That(result.Out, Does.Not.Contain("similarity"), "nothing is compared");
    }

    [Test]
    public void APairsListWithAnImageWithoutInkIsRefusedByNameAsAnUnreadableOneIs()
    {
        var blank = TestImages.NoInk(Temp.Path, "white");
        File.WriteAllText(Temp["pairs.csv"], "first,second\ndigit.png,other.png\ndigit.png,white.png\n");

        AssertRefused(CliRunner.Run("compare", "--pairs", Temp["pairs.csv"], "--csv", Temp["out.csv"], "--model", Model, "--device", "cpu"), blank, Blank);
        Assert.That(File.Exists(Temp["out.csv"]), Is.False, "no pair of the list is written");
    }

    [Test]
    public void EmbeddingAndInspectingAnImageWithoutInkAreRefusedByName()
    {
        Directory.CreateDirectory(Temp["set"]);
        TestImages.Square(Temp["set/ok.png"], 28, 28, 0, 255);
        var blank = TestImages.NoInk(Temp["set"], "grey");

        AssertRefused(CliRunner.Run("embed", "--dir", Temp["set"], "--out", Temp["e.csv"], "--model", Model, "--device", "cpu"), blank, Blank);
        Assert.That(File.Exists(Temp["e.csv"]), Is.False);
        AssertRefused(CliRunner.Run("inspect", Digit, blank, "--model", Model, "--device", "cpu"), blank, Blank);
    }

    [Test]
    public void FaintInkAtTheThresholdIsStillCompared()
    {
        var faint = TestImages.Square(Temp["faint.png"], 40, 30, background: 255, square: 255 - 16);

        var result = CliRunner.Run("compare", Digit, faint, "--model", Model, "--device", "cpu");

        Assert.That(result.Code, Is.Zero, result.Error);
        Assert.That(result.Out, Does.StartWith("Similarity: "));
    }

    [Test]
    public void TrainingAndEvaluatingOnAnImageFolderSkipAnImageWithoutInkWithAWarning()
    {
        foreach (var (name, square) in new[] { ("a", (byte)100), ("b", (byte)250) })
        {
            Directory.CreateDirectory(Temp[$"folder/{name}"]);
            for (var i = 0; i < 30; i++)
                TestImages.Square(Temp[$"folder/{name}/{i:00}.png"], 28 + 3 * i, 28, background: 0, square);
        }
        var blank = TestImages.NoInk(Temp["folder/a"], "white");
        string[] train = ["train", "--dataset", Temp["folder"], "--preset", "keras", "--train-pairs", "32", "--batch-size", "16", "--test-pairs", "8", "--device", "cpu"];

        var trained = CliRunner.Run([.. train, "--out", Temp["run"]]);
        Assert.That(trained.Code, Is.Zero, trained.Error);
        Assert.That(Unwrapped(trained.Out), Does.Contain($"warning: skipped {blank}: {Blank}"));

        var evaluated = CliRunner.Run("evaluate", "--model", Temp["run/model.siamese"], "--device", "cpu");
        Assert.That(evaluated.Code, Is.Zero, evaluated.Error);
        Assert.That(Unwrapped(evaluated.Out), Does.Contain($"warning: skipped {blank}: {Blank}"));

        AssertRefused(CliRunner.Run([.. train, "--out", Temp["strict"], "--strict"]), blank, Blank);
    }
}
