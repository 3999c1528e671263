using System.Text.Json.Nodes;
using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Models;

namespace IlgpuSiamese.Tests.Fuzzing;

/// <summary>
/// 12,000 seeded mutations of a valid model file: a third mutated anywhere (the checksum refuses most),
/// a third mutated anywhere with the checksum recomputed, a third with one header field replaced or
/// removed and the checksum recomputed, so the header parser and its field checks see every kind of damage.
/// </summary>
public class ModelFileFuzzTests
{
    private const string Name = "fuzzed.siamese";
    private static readonly JsonNode?[] Replacements =
        [null, 0, -1, 1, 2, 1.5, -0.5, 1e300, 2147483648L, int.MinValue, "", "x", "NaN", true, new JsonArray(), new JsonObject()];

    private static byte[] ValidModel()
    {
        using var folder = new TempFolder();
        var config = new TrainingConfig { Preset = TowerSpec.KerasPreset, Loss = LossKind.Bce, Filters = 4, Embedding = 3 };
        var header = new ModelHeader(config.Network(), 5, 0.5, 0.7, config, "mnist", "0123456789abcdef",
            new TrainingProgress(1, 2, 3, 4.5, 6, 7), [new EpochRecord(1, 3, 0.5, 0.75, 0.4, 0.8, 0.9, 0.5, 12.5, 100)], DateTime.UnixEpoch);
        float[] Values(float start) => Enumerable.Range(0, 5).Select(i => start + i).ToArray();
        ModelFile.Save(folder["m.siamese"], new SavedModel(header, Values(1), Values(10), Values(20)));
        return File.ReadAllBytes(folder["m.siamese"]);
    }

    [Test]
    public void EveryMutatedModelFileIsAcceptedOrRefusedByName()
    {
        var valid = ValidModel();
        var mutator = new Mutator(seed: 11);
        var tally = Fuzz.Run(12_000, Name, i => (i % 3) switch
        {
            0 => mutator.Mutate(valid),
            1 => ModelBytes.WithChecksum(mutator.Mutate(valid)),
            _ => ModelBytes.WithHeader(valid, MutateField(ModelBytes.Header(valid), mutator.Random).ToJsonString()),
        }, (_, bytes) => ModelFile.Read(bytes, Name));
        Assert.That(tally.Refused, Is.GreaterThan(8_000));
        Assert.That(tally.Accepted, Is.GreaterThan(0), "harmless changes (a dataset name, a date) are accepted");
    }

    /// <summary>One field anywhere in the header replaced by an odd value, or removed.</summary>
    private static JsonObject MutateField(JsonObject header, Random random)
    {
        var fields = new List<(JsonNode Parent, object Key)>();
        void Collect(JsonNode node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                    {
                        fields.Add((o, key));
                        if (value is not null)
                            Collect(value);
                    }
                    break;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                    {
                        fields.Add((a, i));
                        if (a[i] is { } item)
                            Collect(item);
                    }
                    break;
            }
        }
        Collect(header);
        var (parent, at) = fields[random.Next(fields.Count)];
        var replacement = Replacements[random.Next(Replacements.Length)]?.DeepClone();
        if (parent is JsonObject obj && at is string key)
        {
            if (random.Next(4) == 0)
                obj.Remove(key);
            else
                obj[key] = replacement;
        }
        else if (parent is JsonArray array && at is int index)
            array[index] = replacement;
        return header;
    }
}
