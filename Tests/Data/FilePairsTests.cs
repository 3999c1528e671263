using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Tests.Data;

public class FilePairsTests
{
    private TempFolder temp = null!;

    [SetUp]
    public void CreateFolder()
    {
        temp = new TempFolder();
        Directory.CreateDirectory(temp["set/sub"]);
        foreach (var name in new[] { "set/a.png", "set/b.png", "set/sub/c.png" })
            TestImages.Square(temp[name], 28, 28, 0, 255);
        File.WriteAllText(temp["set/notes.txt"], "not an image");
    }

    [TearDown]
    public void DeleteFolder() => temp.Dispose();

    [Test]
    public void ACsvListWithAHeaderAndQuotedPathsRelativeToItsFolder()
    {
        File.WriteAllText(temp["set/list.csv"], "first,second\na.png, b.png\n\n\"sub/c.png\",a.png\na.png,a.png\n");

        var pairs = FilePairs.FromCsv(temp["set/list.csv"]);

        Assert.That(pairs.Files, Is.EqualTo(new[] { temp["set/a.png"], temp["set/b.png"], temp["set/sub/c.png"] }));
        Assert.That((pairs.Pairs.First, pairs.Pairs.Second), Is.EqualTo((new[] { 0, 2, 0 }, new[] { 1, 0, 0 })));
    }

    [Test]
    public void AFirstLineNamingImagesIsAPairNotAHeader()
    {
        File.WriteAllText(temp["set/list.csv"], "missing.png,b.png\n");

        var pairs = FilePairs.FromCsv(temp["set/list.csv"]);

        Assert.That(pairs.First(0), Is.EqualTo(temp["set/missing.png"]), "the missing file is reported when it is read");
    }

    [TestCase("a.png\n", "line 1")]
    [TestCase("first,second\na.png,b.png,c.png\n", "line 2")]
    [TestCase("first,second\n", "no pairs listed")]
    public void AMalformedListIsRefusedWithItsLine(string text, string why)
    {
        File.WriteAllText(temp["set/list.csv"], text);
        var error = Assert.Throws<UserInputException>(() => FilePairs.FromCsv(temp["set/list.csv"]))!;
        Assert.That(error.Message, Does.StartWith(temp["set/list.csv"]).And.Contain(why));
    }

    [Test]
    public void RandomPairsAreSeededAndNeverAnImageWithItself()
    {
        var a = FilePairs.Random(temp["set"], count: 40, seed: 3);
        var b = FilePairs.Random(temp["set"], count: 40, seed: 3);
        var c = FilePairs.Random(temp["set"], count: 40, seed: 4);

        Assert.That(Enumerable.Range(0, 40).Select(a.First), Is.EqualTo(Enumerable.Range(0, 40).Select(b.First)));
        Assert.That(Enumerable.Range(0, 40).Select(a.Second), Is.EqualTo(Enumerable.Range(0, 40).Select(b.Second)));
        Assert.That(Enumerable.Range(0, 40).Select(a.First), Is.Not.EqualTo(Enumerable.Range(0, 40).Select(c.First)));
        Assert.That(Enumerable.Range(0, 40).Where(p => a.First(p) == a.Second(p)), Is.Empty);
        Assert.That(a.Files, Is.EquivalentTo(new[] { temp["set/a.png"], temp["set/b.png"], temp["set/sub/c.png"] }), "images only, subfolders too");
    }
}
