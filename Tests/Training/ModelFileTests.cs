using IlgpuSiamese.Kernels;
using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Models;

namespace IlgpuSiamese.Tests.Training;

public class ModelFileTests
{
    private static SavedModel Sample(bool optimizer)
    {
        var config = new TrainingConfig { Preset = TowerSpec.KerasPreset, Loss = LossKind.Bce };
        var header = new ModelHeader(config.Network(), 5, 0.5, 0.7, config, "mnist", "0123456789abcdef",
            new TrainingProgress(1, 2, 3, 4.5, 6, 7), [new EpochRecord(1, 3, 0.5, 0.75, 0.4, 0.8, 0.9, 0.5, 12.5, 100)], DateTime.UnixEpoch);
        float[] Values(float start) => Enumerable.Range(0, 5).Select(i => start + i).ToArray();
        return optimizer ? new SavedModel(header, Values(1), Values(10), Values(20)) : new SavedModel(header, Values(1), null, null);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void RoundTripsEverything(bool optimizer)
    {
        using var folder = new TempFolder();
        var path = folder["m.siamese"];
        var model = Sample(optimizer);
        ModelFile.Save(path, model);
        var loaded = ModelFile.Load(path);
        Assert.That(loaded.Weights, Is.EqualTo(model.Weights));
        Assert.That(loaded.FirstMoments, Is.EqualTo(model.FirstMoments));
        Assert.That(loaded.SecondMoments, Is.EqualTo(model.SecondMoments));
        Assert.That(loaded.Header with { Network = model.Header.Network, History = model.Header.History }, Is.EqualTo(model.Header));
        Assert.That(loaded.Header.Network.Tower.Layers, Is.EqualTo(model.Header.Network.Tower.Layers), "the architecture survives");
        Assert.That(loaded.Header.History, Is.EqualTo(model.Header.History));
        Assert.That(Directory.GetFiles(folder.Path), Has.Length.EqualTo(1), "no temporary file is left behind");
    }

    private static string Corrupt(TempFolder folder, Func<byte[], byte[]> change)
    {
        var path = folder["m.siamese"];
        ModelFile.Save(path, Sample(optimizer: true));
        File.WriteAllBytes(path, change(File.ReadAllBytes(path)));
        return path;
    }

    [Test]
    public void TruncatedFileIsRefusedByName()
    {
        using var folder = new TempFolder();
        var path = Corrupt(folder, b => b[..^40]);
        Assert.That(() => ModelFile.Load(path), Throws.TypeOf<UserInputException>().With.Message.StartsWith(path).And.Message.Contains("checksum"));
    }

    [Test]
    public void FlippedByteIsRefusedByTheChecksum()
    {
        using var folder = new TempFolder();
        var path = Corrupt(folder, b => { b[b.Length / 2] ^= 0x10; return b; });
        Assert.That(() => ModelFile.Load(path), Throws.TypeOf<UserInputException>().With.Message.Contains("checksum"));
    }

    [Test]
    public void OtherFilesAreNotModels()
    {
        using var folder = new TempFolder();
        var path = folder["notes.txt"];
        File.WriteAllText(path, "hello, this is not a model file at all, but it is long enough to have a header");
        Assert.That(() => ModelFile.Load(path), Throws.TypeOf<UserInputException>().With.Message.Contains("not an IlgpuSiamese model"));
        Assert.That(() => ModelFile.Load(folder["missing.siamese"]), Throws.TypeOf<UserInputException>().With.Message.Contains("no such model"));
    }
}
