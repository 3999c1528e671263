using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Tests.Data;

public class DatasetsTests
{
    private TempFolder temp = null!;

    [SetUp]
    public void CreateFolder() => temp = new TempFolder();

    [TearDown]
    public void DeleteFolder() => temp.Dispose();

    private DataLocation Location => new(temp["cache"]);

    [TestCase(false, 8)]
    [TestCase(true, 12)]
    public void IdxFolderLoadsAndResizes(bool gzip, int size)
    {
        IdxFiles.WriteDataset(temp["digits"], classes: 4, trainPerClass: 6, testPerClass: 2, side: 8, gzip);

        var split = Datasets.Load(temp["digits"], Location, size: size);

        Assert.That((split.Train.Count, split.Test.Count), Is.EqualTo((24, 8)));
        Assert.That((split.Train.Height, split.Train.Width, split.Test.Height), Is.EqualTo((size, size, size)));
        Assert.That(split.Train.ClassNames, Is.EqualTo(new[] { "0", "1", "2", "3" }));
        Assert.That(split.Train.Name, Is.EqualTo("digits"));
        if (size == 8)
            Assert.That(split.Train.Pixels, Is.EqualTo(IdxFiles.Synthetic(4, 6, 8, seed: 1).Pixels));
    }

    [Test]
    public void TruncatedFileInAnIdxFolderIsRefusedByName()
    {
        IdxFiles.WriteDataset(temp["digits"], classes: 2, trainPerClass: 3, testPerClass: 2, side: 4);
        var path = Path.Combine(temp["digits"], IdxFiles.TestImages);
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^5]);

        var error = Assert.Throws<UserInputException>(() => Datasets.Load(temp["digits"], Location))!;

        Assert.That(error.Message, Does.StartWith($"{path}: truncated"));
    }

    [Test]
    public void TestLabelBeyondTheTrainingClassesIsRefused()
    {
        IdxFiles.WriteDataset(temp["digits"], classes: 2, trainPerClass: 3, testPerClass: 2, side: 4);
        var labels = Path.Combine(temp["digits"], IdxFiles.TestLabels);
        IdxFiles.Write(labels, IdxFiles.Labels([0, 1, 1, 7]));

        var error = Assert.Throws<UserInputException>(() => Datasets.Load(temp["digits"], Location))!;

        Assert.That(error.Message, Does.StartWith($"{labels}: label 7 at index 3 is out of range 0..1"));
    }

    [Test]
    public void UnknownNameListsTheChoices()
    {
        var error = Assert.Throws<UserInputException>(() => Datasets.Load("no-such-dataset", Location))!;
        Assert.That(error.Message, Does.Contain("unknown dataset 'no-such-dataset'").And.Contain("mnist, fashion-mnist"));
    }

    [Test]
    public void FileInsteadOfFolderIsAnError()
    {
        File.WriteAllText(temp["file"], "x");
        var error = Assert.Throws<UserInputException>(() => Datasets.Load(temp["file"], Location))!;
        Assert.That(error.Message, Does.StartWith(temp["file"]).And.Contain("not a file"));
    }

    [Test]
    public void SizeOutOfRangeIsAnError() =>
        Assert.Throws<UserInputException>(() => Datasets.Load("mnist", Location, size: 0));

    [Test]
    public void LocationIsTheOptionThenTheEnvironmentThenTheDefault()
    {
        var saved = Environment.GetEnvironmentVariable(DataLocation.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(DataLocation.EnvironmentVariable, temp["from-env"]);
            Assert.That(DataLocation.Resolve(temp["from-option"]).Directory, Is.EqualTo(temp["from-option"]));
            Assert.That(DataLocation.Resolve(null).Directory, Is.EqualTo(temp["from-env"]));
            Environment.SetEnvironmentVariable(DataLocation.EnvironmentVariable, null);
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            Assert.That(DataLocation.Resolve(null).Directory, Is.EqualTo(Path.Combine(home, ".cache", "ilgpu-siamese")));
            Assert.That(DataLocation.Resolve(null).FolderOf("mnist"), Is.EqualTo(Path.Combine(home, ".cache", "ilgpu-siamese", "mnist")));
        }
        finally
        {
            Environment.SetEnvironmentVariable(DataLocation.EnvironmentVariable, saved);
        }
    }
}
