using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Data;
using IlgpuSiamese.Training.Models;

namespace IlgpuSiamese.Tests.Network;

/// <summary>A saved model's tower run alone, batch by batch, agrees with the pair forward.</summary>
[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class LoadedModelTests(string deviceId) : BackendFixture(deviceId)
{
    [Test]
    public void EmbeddingsInBatchesGiveThePairDistances()
    {
        using var temp = new TempFolder();
        var path = TestModels.Untrained(temp["keras.siamese"], new TrainingConfig { Preset = TowerSpec.KerasPreset }.Network());
        var (pixels, _) = IdxFiles.Synthetic(classes: 1, perClass: 10, side: 28, seed: 4);
        var images = new LabelledImages("random", 28, 28, pixels, new int[10], ["image"]);
        using var batchesOfFour = new LoadedModel(path, Device, maxBatch: 4);
        using var oneBatch = new LoadedModel(path, Device, maxBatch: 16);
        var pairs = new PairSet([0, 3, 9, 5], [1, 7, 2, 5], new float[4]);

        var embeddings = batchesOfFour.Embeddings(images);
        using var onDevice = new DeviceImages(Device, images, batchesOfFour.Network.Activations.MaxImages);
        var distances = batchesOfFour.Run(onDevice, pairs).Distances;

        Assert.That(embeddings, Is.EqualTo(oneBatch.Embeddings(images)).Within(1e-5f));
        var size = batchesOfFour.Network.EmbeddingSize;
        for (var p = 0; p < pairs.Count; p++)
        {
            var squared = 0.0;
            for (var k = 0; k < size; k++)
                squared += Math.Pow(embeddings[pairs.First[p] * size + k] - embeddings[pairs.Second[p] * size + k], 2);
            var expected = Math.Sqrt(Math.Max(squared, 1e-7));
            Assert.That(distances[p], Is.EqualTo(expected).Within(1e-4 * (1 + expected)), $"pair {p}");
        }
    }
}
