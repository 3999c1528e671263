using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Network;

/// <summary>
/// The two presets are the product's architectures: their layers, their parameter counts (the original's 19,890 for
/// keras with its BCE head) and their Glorot-uniform start, zero biases and a non-positive BCE head weight.
/// </summary>
public class PresetTests
{
    [Test]
    public void KerasIsTheOriginalNetwork()
    {
        var keras = TowerSpec.FromPreset(TowerSpec.KerasPreset, 48, null, null);
        Assert.That(keras.Input, Is.EqualTo(new TensorShape(1, 28, 28)));
        Assert.That(keras.Layers, Is.EqualTo(new LayerSpec[]
        {
            new ConvSpec(64, 2), new MaxPoolSpec(), new DropoutSpec(0.3f), new ConvSpec(64, 2), new MaxPoolSpec(), new DropoutSpec(0.3f),
            new GlobalAvgPoolSpec(), new DenseSpec(48, Relu: false),
        }));
        Assert.That(ParameterCount(new NetworkConfig(keras, LossKind.Bce, 1f)), Is.EqualTo(19_890));
    }

    [Test]
    public void FlatIsTwoConvsAndTwoDenseLayers()
    {
        var flat = TowerSpec.FromPreset(TowerSpec.FlatPreset, 48, null, null);
        Assert.That(flat.Input, Is.EqualTo(new TensorShape(1, 28, 28)));
        Assert.That(flat.Layers, Is.EqualTo(new LayerSpec[]
        {
            new ConvSpec(32, 3), new MaxPoolSpec(), new ConvSpec(64, 3), new MaxPoolSpec(), new DenseSpec(128, Relu: true), new DenseSpec(48, Relu: false),
        }));
        // 3·3·32 + 32, 3·3·32·64 + 64, 3136·128 + 128, 128·48 + 48; the contrastive head has no parameters.
        Assert.That(ParameterCount(new NetworkConfig(flat, LossKind.Contrastive, 1f)), Is.EqualTo(320 + 18_496 + 401_536 + 6_192));
    }

    [Test]
    public void WeightsStartGlorotUniformAndBiasesAtZero()
    {
        var network = new NetworkConfig(TowerSpec.Keras(), LossKind.Bce, 1f);
        var seed = TestSeed.ForCurrentTest();
        using var built = Built(network, seed);
        var block = built.Parameters;
        var initial = block.InitialValues(seed);
        // fan-in and fan-out of each weight: conv (C·k², O·k²), dense (inputs, units), the head's 1→1
        var fans = new Dictionary<string, (int In, int Out)>
        {
            ["tower.0.weight"] = (1 * 4, 64 * 4), ["tower.3.weight"] = (64 * 4, 64 * 4), ["tower.7.weight"] = (64, 48), ["head.weight"] = (1, 1),
        };
        foreach (var p in block.Parameters)
        {
            var values = initial.AsSpan(p.Offset, p.Length).ToArray();
            if (p.Name.EndsWith(".bias", StringComparison.Ordinal))
            {
                Assert.That(values, Is.All.Zero, p.Name);
                continue;
            }
            Assert.That(fans.ContainsKey(p.Name), Is.True, $"{p.Name} has its fans listed");
            var limit = Math.Sqrt(6.0 / (fans[p.Name].In + fans[p.Name].Out));
            Assert.That(values.Max(v => Math.Abs(v)), Is.LessThanOrEqualTo(limit).And.GreaterThan(p.Length == 1 ? 0 : limit / 2), $"{p.Name}: within ±{limit:0.###}, spread over it");
        }
        Assert.That(initial[block.Parameters.Single(p => p.Name == "head.weight").Offset], Is.LessThanOrEqualTo(0f), "the BCE head starts non-positive");
    }

    private static int ParameterCount(NetworkConfig network)
    {
        using var built = Built(network, seed: 1);
        return built.Parameters.Length;
    }

    /// <summary>The network built on the CPU accelerator, its parameter block laid out by its layers.</summary>
    private static SiameseNetwork Built(NetworkConfig network, int seed) => new(Backends.Open("cpu:0"), network, 2, seed);
}
