using IlgpuSiamese.Cli;
using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Tests.Faults;

/// <summary>
/// What every fault scenario starts from and what it must end in: a tiny IDX dataset, a small model and two digit
/// images in a temp folder; after the fault, one "error:" line naming the user's path and the cause, the README's
/// exit code, no stack trace, no temporary file left and every earlier file intact.
/// </summary>
public abstract class FaultScenario
{
    protected TempFolder Temp = null!;
    protected string Dataset = null!, Model = null!, Digit = null!, OtherDigit = null!;

    /// <summary>A short run of the small keras tower on ILGPU's CPU accelerator: two steps an epoch, a checkpoint every epoch.</summary>
    protected string[] Train(string outDir, params string[] more) => TrainOn("cpu", outDir, more);

    protected string[] TrainOn(string device, string outDir, params string[] more) =>
    [
        "train", "--dataset", Dataset, "--preset", "keras", "--train-pairs", "64", "--batch-size", "32", "--test-pairs", "8",
        "--device", device, "--out", outDir, .. more,
    ];

    /// <summary>A known dataset of that name whose one source is a local folder of freshly written IDX files, pinned.</summary>
    protected KnownDataset KnownFromFolder(string name)
    {
        var source = Directory.CreateDirectory(Temp["source"]).FullName;
        IdxFiles.WriteDataset(source, classes: 3, trainPerClass: 40, testPerClass: 40, side: 28);
        var files = new[] { IdxFiles.TrainImages, IdxFiles.TrainLabels, IdxFiles.TestImages, IdxFiles.TestLabels }
            .Select(f => IdxFiles.Pinned(f, File.ReadAllBytes(Path.Combine(source, f)))).ToArray();
        return new KnownDataset(name, name, ["a", "b", "c"], ImagePreparation.Mnist, files[0], files[1], files[2], files[3],
            [new LocalFolderSource(source, "copy it")]);
    }

    [SetUp]
    public void CreateInputs()
    {
        Temp = new TempFolder();
        Dataset = Temp["digits"];
        IdxFiles.WriteDataset(Dataset, classes: 3, trainPerClass: 24, testPerClass: 4, side: 28);
        Model = TestModels.Untrained(Temp["model.siamese"], new TrainingConfig { Preset = TowerSpec.KerasPreset }.Network());
        Digit = TestImages.Square(Temp["digit.png"], 28, 28, 0, 255);
        OtherDigit = TestImages.Square(Temp["other.png"], 40, 30, 255, 0);
    }

    [TearDown]
    public void DeleteInputs() => Temp.Dispose();

    /// <summary>The error line: exit 1 (or <paramref name="code"/>), exactly one "error:" line that names <paramref name="path"/> and <paramref name="cause"/>.</summary>
    protected static string AssertRefused(CliRunner.Result result, string path, string cause, int code = ExitCodes.BadInput)
    {
        AssertNoStackTrace(result);
        Assert.That(result.Code, Is.EqualTo(code), result.Error);
        var errors = Lines(result.Error).Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        Assert.That(errors, Has.Count.EqualTo(1), $"one error line in:\n{result.Error}");
        Assert.That(errors[0], Does.StartWith($"error: {path}").And.Contain(cause));
        return errors[0];
    }

    protected static void AssertNoStackTrace(CliRunner.Result result)
    {
        foreach (var line in Lines(result.Out).Concat(Lines(result.Error)))
        {
            Assert.That(line, Does.Not.Match(@"^\s+at \S+\("), "a stack trace line");
            Assert.That(line, Does.Not.Contain("Unhandled exception"));
        }
    }

    /// <summary>No temporary file is left anywhere under <paramref name="folder"/>, and no file a command writes whole is half there.</summary>
    protected static void AssertNoTemporaryFiles(string folder)
    {
        if (Directory.Exists(folder))
            Assert.That(Directory.EnumerateFiles(folder, "*.tmp", SearchOption.AllDirectories), Is.Empty, $"temporary files in {folder}");
    }

    /// <summary>The console's text with the lines it wrapped at the terminal's width joined again.</summary>
    protected static string Unwrapped(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"[ \t]*\r?\n[ \t]*", " ");

    private static IEnumerable<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'));
}
