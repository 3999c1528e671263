using System.Text.Json;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Models;

namespace IlgpuSiamese.Tests.Models;

/// <summary>A model file records whether its training augmented the images; files from before the field read as not augmented.</summary>
public class ModelAugmentTests
{
    private static ModelHeader Header(bool augment)
    {
        var config = new TrainingConfig { Augment = augment };
        return new ModelHeader(config.Network(), 5, 0.5, 0.5, config, "mnist", "none", new TrainingProgress(1, 0, 0, 0, 0, 0), [], DateTime.UnixEpoch);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void AugmentIsWrittenAndReadBack(bool augment)
    {
        using var temp = new TempFolder();
        ModelFile.Save(temp["m.siamese"], new SavedModel(Header(augment), new float[5], null, null));
        Assert.That(ModelFile.Load(temp["m.siamese"]).Header.Training.Augment, Is.EqualTo(augment));
    }

    [Test]
    public void AHeaderWrittenBeforeTheFieldReadsAsNotAugmented()
    {
        var json = JsonSerializer.SerializeToNode(Header(augment: true), ModelFile.Json)!.AsObject();
        var training = json[nameof(ModelHeader.Training)]!.AsObject();
        Assert.That(training.Remove(nameof(TrainingConfig.Augment)), "the field is written");
        var older = JsonSerializer.Deserialize<ModelHeader>(json.ToJsonString(), ModelFile.Json)!;
        Assert.That(older.Training.Augment, Is.False);
        Assert.That(older.Training, Is.EqualTo(Header(augment: false).Training), "and every other option as it was");
    }
}
