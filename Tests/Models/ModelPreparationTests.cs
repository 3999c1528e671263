using System.Text.Json;
using System.Text.Json.Nodes;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Data;
using IlgpuSiamese.Training.Models;

namespace IlgpuSiamese.Tests.Models;

/// <summary>A model file records how images from outside become its inputs; files from before the field get their dataset's.</summary>
public class ModelPreparationTests
{
    private static ModelHeader Header(string dataset, ImagePreparation? preparation)
    {
        var config = new TrainingConfig { Dataset = dataset };
        return new ModelHeader(config.Network(), 5, 0.5, 0.5, config, Path.GetFileName(dataset), "none",
            new TrainingProgress(1, 0, 0, 0, 0, 0), [], DateTime.UnixEpoch, preparation);
    }

    /// <summary>The header as a file written before the field existed holds it: without the key.</summary>
    private static ModelHeader WithoutTheField(ModelHeader header)
    {
        var json = JsonSerializer.SerializeToNode(header, ModelFile.Json)!.AsObject();
        Assert.That(json.Remove(nameof(ModelHeader.Preparation)), "the field is written");
        return JsonSerializer.Deserialize<ModelHeader>(json.ToJsonString(), ModelFile.Json)!;
    }

    [TestCase(ImagePreparation.Mnist, "\"mnist\"")]
    [TestCase(ImagePreparation.Stretch, "\"stretch\"")]
    public void ThePreparationIsWrittenByNameAndReadBack(ImagePreparation preparation, string written)
    {
        using var temp = new TempFolder();
        var header = Header("mnist", preparation);
        ModelFile.Save(temp["m.siamese"], new SavedModel(header, new float[5], null, null));

        Assert.That(JsonSerializer.Serialize(header, ModelFile.Json), Does.Contain($"\"Preparation\":{written}"));
        Assert.That(ModelFile.Load(temp["m.siamese"]).Header.InputPreparation, Is.EqualTo(preparation));
    }

    [TestCase("mnist", ImagePreparation.Mnist)]
    [TestCase("fashion-mnist", ImagePreparation.Fit)]
    public void AnOlderFileOfAKnownDatasetGetsItsPreparation(string dataset, ImagePreparation expected) =>
        Assert.That(WithoutTheField(Header(dataset, ImagePreparation.Stretch)).InputPreparation, Is.EqualTo(expected));

    [Test]
    public void AnOlderFileOfAFolderGetsMnistStyleForIdxFilesAndStretchedForImages()
    {
        using var temp = new TempFolder();
        var idx = Directory.CreateDirectory(temp["idx"]).FullName;
        IdxFiles.Write(Path.Combine(idx, "train-images-idx3-ubyte"), IdxFiles.Images(1, 2, 2, new byte[4]));

        Assert.That(WithoutTheField(Header(idx, ImagePreparation.Fit)).InputPreparation, Is.EqualTo(ImagePreparation.Mnist));
        Assert.That(WithoutTheField(Header(temp["animals"], ImagePreparation.Fit)).InputPreparation, Is.EqualTo(ImagePreparation.Stretch));
    }
}
