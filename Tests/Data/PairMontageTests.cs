using System.CommandLine;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Cli.Commands;
using IlgpuSiamese.Cli.Figures;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace IlgpuSiamese.Tests.Data;

public class PairMontageTests
{
    private static LabelledImages Digits()
    {
        var (pixels, labels) = IdxFiles.Synthetic(classes: 4, perClass: 10, side: 28, seed: 3);
        return new LabelledImages("synthetic", 28, 28, pixels, Array.ConvertAll(labels, l => (int)l), ["zero", "one", "two", "three"]);
    }

    [TestCase(49, 7, 7)]
    [TestCase(10, 4, 3)]
    [TestCase(1, 1, 1)]
    public void MontageDecodesAtTheExpectedSize(int count, int columns, int rows)
    {
        var images = Digits();
        var pairs = PairBuilder.Build(images, seed: 42);

        using var png = Image.Load<Rgb24>(PairMontage.Png(images, pairs, count, "test montage"));

        Assert.That(PairMontage.Grid(count), Is.EqualTo((columns, rows)));
        Assert.That((png.Width, png.Height), Is.EqualTo(PairMontage.Size(count)));
        Assert.That(png.Width, Is.GreaterThanOrEqualTo(columns * PairMontage.CellWidth));
        Assert.That(png.Height, Is.GreaterThanOrEqualTo(rows * PairMontage.CellHeight));
    }

    [Test]
    public void LabelsAreDrawnInGreenAndRed()
    {
        var images = Digits();
        var pairs = PairBuilder.Build(images, seed: 42);

        using var png = Image.Load<Rgb24>(PairMontage.Png(images, pairs, 49, "test montage"));

        var (green, red) = (0, 0);
        png.ProcessPixelRows(rows =>
        {
            for (var y = 0; y < rows.Height; y++)
            {
                foreach (var p in rows.GetRowSpan(y))
                {
                    green += p.G > 100 && p.R < 80 && p.B < 100 ? 1 : 0;
                    red += p.R > 180 && p.G < 80 && p.B < 80 ? 1 : 0;
                }
            }
        });
        Assert.That(green, Is.GreaterThan(200), "green 'pos' text");
        Assert.That(red, Is.GreaterThan(200), "red 'neg' text");
    }

    [Test]
    public void PairsCommandWritesTheMontage()
    {
        using var temp = new TempFolder();
        IdxFiles.WriteDataset(temp["digits"], classes: 3, trainPerClass: 5, testPerClass: 2, side: 28);
        var output = temp["pairs.png"];

        var code = PairsCommand.Create().Parse(["--dataset", temp["digits"], "--data-dir", temp["cache"], "--count", "9", "--out", output]).Invoke();

        Assert.That(code, Is.EqualTo(ExitCodes.Ok));
        Assert.That(Image.Identify(output) is { } info ? (info.Width, info.Height) : default, Is.EqualTo(PairMontage.Size(9)));
    }

    [Test]
    public void PairsCommandReportsBadInputAsOneLine()
    {
        using var temp = new TempFolder();
        var command = PairsCommand.Create();

        var code = ExitCodes.Run(() => command.Parse(["--dataset", temp["missing"], "--out", temp["pairs.png"]])
            .Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));

        Assert.That(code, Is.EqualTo(ExitCodes.BadInput));
        Assert.That(File.Exists(temp["pairs.png"]), Is.False);
    }
}
