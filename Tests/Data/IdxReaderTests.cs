using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Tests.Data;

public class IdxReaderTests
{
    private TempFolder temp = null!;

    [SetUp]
    public void CreateFolder() => temp = new TempFolder();

    [TearDown]
    public void DeleteFolder() => temp.Dispose();

    [TestCase(false)]
    [TestCase(true)]
    public void ImagesAndLabelsRoundTrip(bool gzip)
    {
        var (pixels, labels) = IdxFiles.Synthetic(classes: 3, perClass: 4, side: 5, seed: 7);
        var imagesPath = IdxFiles.Write(temp["images"], IdxFiles.Images(labels.Length, 5, 5, pixels), gzip);
        var labelsPath = IdxFiles.Write(temp["labels"], IdxFiles.Labels(labels), gzip);

        var (images, readLabels) = IdxReader.ReadPair(imagesPath, labelsPath, classCount: 3);

        Assert.That((images.Count, images.Rows, images.Columns), Is.EqualTo((12, 5, 5)));
        Assert.That(images.Pixels, Is.EqualTo(pixels));
        Assert.That(readLabels, Is.EqualTo(labels));
    }

    [Test]
    public void BadMagicIsRefused()
    {
        var path = IdxFiles.Write(temp["images"], [.. IdxFiles.Header(0x12345678, 1, 2, 2), 1, 2, 3, 4]);
        AssertRefused(() => IdxReader.ReadImages(path), path, "bad magic number 0x12345678");
    }

    [Test]
    public void UnsupportedDataTypeIsRefused()
    {
        var path = IdxFiles.Write(temp["images"], [.. IdxFiles.Header(0x0D03, 1, 1, 1), 0, 0, 0, 0]);
        AssertRefused(() => IdxReader.ReadImages(path), path, "data type 0x0D");
    }

    [Test]
    public void LabelFileReadAsImagesHasWrongDimensions()
    {
        var path = IdxFiles.Write(temp["labels"], IdxFiles.Labels([1, 2, 3]));
        AssertRefused(() => IdxReader.ReadImages(path), path, "wrong dimensions");
    }

    [Test]
    public void ZeroSizedDimensionIsRefused()
    {
        var path = IdxFiles.Write(temp["images"], IdxFiles.Images(3, 28, 0, []));
        AssertRefused(() => IdxReader.ReadImages(path), path, "wrong dimensions 3x28x0");
    }

    [Test]
    public void OversizedDimensionIsRefused()
    {
        var path = IdxFiles.Write(temp["images"], IdxFiles.Images(1, 100_000, 100_000, []));
        AssertRefused(() => IdxReader.ReadImages(path), path, "larger than");
    }

    [Test]
    public void CountMismatchNamesBothFiles()
    {
        var images = IdxFiles.Write(temp["images"], IdxFiles.Images(3, 2, 2, new byte[12]));
        var labels = IdxFiles.Write(temp["labels"], IdxFiles.Labels([0, 1]));
        var message = AssertRefused(() => IdxReader.ReadPair(images, labels, classCount: 10), labels, "holds 2 labels");
        Assert.That(message, Does.Contain(images).And.Contain("3 images"));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void TruncatedDataIsRefused(bool gzip)
    {
        var raw = IdxFiles.Images(10, 4, 4, new byte[160]);
        var path = IdxFiles.Write(temp["images"], raw[..^7], gzip);
        AssertRefused(() => IdxReader.ReadImages(path), path, "truncated: the header promises 10 images of 4x4 (160 bytes of data) but the file holds 153");
    }

    [Test]
    public void TruncatedHeaderIsRefused()
    {
        var path = IdxFiles.Write(temp["labels"], IdxFiles.Labels([1, 2])[..6]);
        AssertRefused(() => IdxReader.ReadLabels(path), path, "truncated");
    }

    [Test]
    public void TrailingDataIsRefused()
    {
        var path = IdxFiles.Write(temp["labels"], [.. IdxFiles.Labels([1, 2]), 9]);
        AssertRefused(() => IdxReader.ReadLabels(path), path, "continues past the 2 labels");
    }

    [Test]
    public void LabelOutOfRangeIsRefused()
    {
        var images = IdxFiles.Write(temp["images"], IdxFiles.Images(3, 1, 1, [0, 0, 0]));
        var labels = IdxFiles.Write(temp["labels"], IdxFiles.Labels([0, 12, 1]), gzip: true);
        AssertRefused(() => IdxReader.ReadPair(images, labels, classCount: 10), labels, "label 12 at index 1 is out of range 0..9");
    }

    [Test]
    public void CorruptGzipIsRefused()
    {
        var gzip = IdxFiles.Gzip(IdxFiles.Labels(new byte[5000]));
        for (var i = 20; i < gzip.Length - 8; i += 3)
            gzip[i] ^= 0x5A;
        var path = temp["labels.gz"];
        File.WriteAllBytes(path, gzip);
        AssertRefused(() => IdxReader.ReadLabels(path), path, "");
    }

    [Test]
    public void MissingFileIsNamed()
    {
        var path = temp["nothing-here"];
        AssertRefused(() => IdxReader.ReadLabels(path), path, "file not found");
    }

    private static string AssertRefused(TestDelegate read, string path, string what)
    {
        var error = Assert.Throws<UserInputException>(read)!;
        Assert.That(error.Message, Does.StartWith(path + ":").And.Contain(what));
        return error.Message;
    }
}
