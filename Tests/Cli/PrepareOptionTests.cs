using System.Text.Json;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Cli;

/// <summary>embed and evaluate prepare images as the model file says (MNIST-style for an MNIST model); --prepare overrides it.</summary>
public class PrepareOptionTests
{
    private TempFolder temp = null!;
    private string model = null!;

    [SetUp]
    public void CreateFiles()
    {
        temp = new TempFolder();
        model = TestModels.Untrained(temp["model.siamese"]);
        Directory.CreateDirectory(temp["set"]);
        // The same square ink, once filling a 28x28 image and once small on a wide canvas.
        TestImages.Square(temp["set/a-close.png"], 28, 28, background: 0, square: 255);
        TestImages.Square(temp["set/b-far.png"], 300, 100, background: 0, square: 255);
    }

    [TearDown]
    public void DeleteFiles() => temp.Dispose();

    /// <summary>The two embeddings' CSV rows without their paths.</summary>
    private string[] Embeddings(params string[] extra)
    {
        var result = CliRunner.Run(["embed", "--dir", temp["set"], "--out", temp["e.csv"], "--model", model, "--device", "cpu", .. extra]);
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        return File.ReadAllLines(temp["e.csv"]).Skip(1).Select(line => line[line.IndexOf(',')..]).ToArray();
    }

    [Test]
    public void AnMnistModelCropsTheInkSoTheCanvasDoesNotMatter()
    {
        var byDefault = Embeddings();
        var fitted = Embeddings("--prepare", "fit");

        Assert.That(byDefault[1], Is.EqualTo(byDefault[0]), "MNIST-style: both become the same 20x20 square centred in 28x28");
        Assert.That(fitted[1], Is.Not.EqualTo(fitted[0]), "fitted whole, the far square shrinks");
        Assert.That(Embeddings("--prepare", "mnist"), Is.EqualTo(byDefault));
    }

    [Test]
    public void EvaluatePreparesAnImageFolderAsTheModelSaysUnlessToldOtherwise()
    {
        // Two classes of 30 squares on canvases of many widths: light squares, and darker ones.
        for (var i = 0; i < 30; i++)
        {
            Directory.CreateDirectory(temp["folder/light"]);
            Directory.CreateDirectory(temp["folder/dark"]);
            TestImages.Square(temp[$"folder/light/{i:00}.png"], 28 + 9 * i, 28, background: 0, square: 250);
            TestImages.Square(temp[$"folder/dark/{i:00}.png"], 28, 28 + 9 * i, background: 0, square: 120);
        }
        double Loss(params string[] extra)
        {
            var result = CliRunner.Run(["evaluate", "--dataset", temp["folder"], "--model", model, "--device", "cpu", "--json", .. extra]);
            Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
            return JsonDocument.Parse(result.Out).RootElement.GetProperty("loss").GetDouble();
        }

        var byDefault = Loss();

        Assert.That(Loss("--prepare", "mnist"), Is.EqualTo(byDefault), "the model records mnist");
        Assert.That(Loss("--prepare", "stretch"), Is.Not.EqualTo(byDefault));
    }
}
