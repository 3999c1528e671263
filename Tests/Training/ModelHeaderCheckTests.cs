using System.Text.Json.Nodes;
using IlgpuSiamese.Kernels;
using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Models;

namespace IlgpuSiamese.Tests.Training;

/// <summary>A header that passes its checksum but holds a null, missing or out-of-range field: refused by name, field by field.</summary>
public class ModelHeaderCheckTests
{
    private const string Remove = "remove";

    private static byte[] Valid()
    {
        using var folder = new TempFolder();
        return File.ReadAllBytes(TestModels.Write(folder["m.siamese"], new TrainingConfig { Preset = TowerSpec.KerasPreset }.Network(), new float[3]));
    }

    [Test]
    public void TheValidHeaderIsAccepted() => Assert.That(() => ModelFile.Read(Valid(), "m.siamese"), Throws.Nothing);

    [TestCase("Network", Remove, "has no network")]
    [TestCase("Network", "null", "has no network")]
    [TestCase("Network.Tower", Remove, "has no tower")]
    [TestCase("Network.Loss", "7", "unknown loss")]
    [TestCase("Network.Margin", "-1", "margin -1")]
    [TestCase("Network.Tower.Input.Channels", "0", "input shape 0x28x28")]
    [TestCase("Network.Tower.Input.Height", "1", "layer 2 cannot take a 64x1x28 input")]
    [TestCase("Network.Tower.Layers", "[]", "1..64 layers")]
    [TestCase("Network.Tower.Layers", "null", "1..64 layers")]
    [TestCase("Network.Tower.Layers[0]", "null", "layer 1 is empty")]
    [TestCase("Network.Tower.Layers[0].Filters", "0", "layer 1 has 0 filters")]
    [TestCase("Network.Tower.Layers[0].Kernel", "99", "layer 1 has kernel 99")]
    [TestCase("Network.Tower.Layers[2].Rate", "1.5", "layer 3 has dropout rate 1.5")]
    [TestCase("Network.Tower.Layers[7].Units", "-3", "layer 8 has -3 units")]
    [TestCase("Network.Tower.Layers[0].type", "\"bogus\"", "the model header is not valid")]
    [TestCase("ParameterCount", "0", "0 parameters")]
    [TestCase("Threshold", "2", "threshold 2")]
    [TestCase("Threshold", "-0.5", "threshold -0.5")]
    [TestCase("DistanceScale", "0", "distance scale 0")]
    [TestCase("Training", Remove, "has no training config")]
    [TestCase("Training.Epochs", "0", "invalid training config: --epochs must be between 1 and 10000")]
    [TestCase("Training.Dropout", "1.5", "--dropout must be at least 0 and below 1")]
    [TestCase("Training.Schedule", "null", "--schedule must be constant or cosine")]
    [TestCase("DatasetName", "null", "has no dataset name")]
    [TestCase("DatasetFingerprint", Remove, "has no dataset fingerprint")]
    [TestCase("Progress", "null", "has no training progress")]
    [TestCase("Progress.Step", "-1", "negative training progress")]
    [TestCase("History", "null", "no history")]
    [TestCase("History", "[null]", "an empty history entry")]
    public void ABadFieldIsRefusedByName(string field, string value, string why)
    {
        var header = ModelBytes.Header(Valid());
        Set(header, field, value);
        var bytes = ModelBytes.WithHeader(Valid(), header.ToJsonString());
        Assert.That(() => ModelFile.Read(bytes, "m.siamese"),
            Throws.TypeOf<UserInputException>().With.Message.StartsWith("m.siamese: ").And.Message.Contains(why));
    }

    [Test]
    public void AnOptimizerFlagOtherThanZeroOrOneIsRefused()
    {
        var valid = Valid();
        var flagAt = 16 + BitConverter.ToInt32(valid, 12);
        valid[flagAt] = 7;
        Assert.That(() => ModelFile.Read(ModelBytes.WithChecksum(valid), "m.siamese"),
            Throws.TypeOf<UserInputException>().With.Message.Contains("optimizer-state flag 7"));
    }

    /// <summary>Sets (or with "remove", deletes) the field at a dotted path such as "Network.Tower.Layers[0].Filters".</summary>
    private static void Set(JsonObject header, string path, string value)
    {
        JsonNode node = header;
        var parts = path.Split('.');
        foreach (var part in parts[..^1])
            node = Step(node, part)!;
        var last = parts[^1];
        var replacement = JsonNode.Parse(value == Remove ? "null" : value);
        if (last.EndsWith(']'))
        {
            var (name, index) = (last[..last.IndexOf('[')], int.Parse(last[(last.IndexOf('[') + 1)..^1]));
            node[name]!.AsArray()[index] = replacement;
        }
        else if (value == Remove)
            node.AsObject().Remove(last);
        else
            node[last] = replacement;
    }

    private static JsonNode? Step(JsonNode node, string part) =>
        part.EndsWith(']') ? node[part[..part.IndexOf('[')]]![int.Parse(part[(part.IndexOf('[') + 1)..^1])] : node[part];
}
