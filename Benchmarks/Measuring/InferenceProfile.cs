using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Network;
using IlgpuSiamese.Network.Heads;
using IlgpuSiamese.Network.Layers;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Measuring;

/// <summary>
/// Times every op of an inference batch one by one, as <see cref="PairEvaluator"/> runs it: gather both images of each pair,
/// each tower layer's forward without dropout (the convolutions' inference path), the head's forward and the one read back,
/// through <see cref="OpProfiler"/>. The work of each op comes from <see cref="OpCosts"/>.
/// </summary>
public sealed class InferenceProfile : IDisposable
{
    private readonly ComputeDevice device;
    private readonly SiameseNetwork network;
    private readonly DeviceImages testImages;
    private readonly PairSet pairs;
    private readonly PairOutputs outputs;
    private readonly int[][] indices;
    private readonly string tower;
    private readonly int batch;
    private int cursor;

    public InferenceProfile(ComputeDevice device, string tower, BenchmarkData data, int pairsPerBatch = 256, int seed = 42)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pairsPerBatch, 1);
        if (data.TestPairs.Count < pairsPerBatch)
            throw new ArgumentException($"{data.TestPairs.Count} test pairs are fewer than one batch of {pairsPerBatch}", nameof(data));
        this.device = device;
        this.tower = tower;
        batch = pairsPerBatch;
        network = new SiameseNetwork(device, BenchmarkTowers.Network(tower), pairsPerBatch, seed);
        testImages = new DeviceImages(device, data.Test, network.Activations.MaxImages);
        pairs = data.TestPairs;
        outputs = new PairOutputs(new float[batch], new float[batch], new float[batch], new float[batch]);
        indices = [new int[batch], new int[batch]];
    }

    private int Images => 2 * batch;

    /// <summary><paramref name="warmup"/> whole batches untimed, then <paramref name="repetitions"/> profiled batches, each followed by a timed whole batch.</summary>
    public LayerProfileResult Measure(int repetitions, int warmup)
    {
        var (rows, batchMs) = OpProfiler.Measure(device, repetitions, warmup, WholeBatch, ProfiledBatch);
        return LayerProfileResult.Of(device, tower, batch, Images, network.Parameters.Length, rows, batchMs);
    }

    private void NextBatch()
    {
        if (cursor + batch > pairs.Count)
            cursor = 0;
        pairs.First.AsSpan(cursor, batch).CopyTo(indices[0]);
        pairs.Second.AsSpan(cursor, batch).CopyTo(indices[1]);
        cursor += batch;
    }

    private void WholeBatch()
    {
        NextBatch();
        testImages.Load(network.Activations, indices, batch);
        network.ForwardPairs(batch);
        device.Synchronize();
        network.Head.ReadPairs(outputs, 0, batch);
    }

    private void ProfiledBatch(OpProfiler.TimeOp time)
    {
        NextBatch();
        var activations = network.Activations;
        var layers = network.Tower.Layers;
        var specs = network.Tower.Spec.Layers;
        var pixels = testImages.Images.Height * testImages.Images.Width;
        time("gather images", "gather", null, "infer", OpCosts.Gather(Images, pixels), () => testImages.Load(activations, indices, batch));
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = i;
            var (name, kind, forward, _) = LayerProfile.Describe(layers[i], specs[i], i, Images);
            time(name, kind, i, "infer", forward, () => network.Tower.ForwardLayer(layer, activations, Images, step: 0, training: false),
                layers[i].ForwardPath(new Pass(Images, Step: 0, Training: false)));
        }
        time("head (distances)", "head", null, "infer", OpCosts.PairHeadForward(batch, network.EmbeddingSize),
            () => network.Head.ForwardPairs(activations.Embeddings(Images), batch));
        time("read back", "read", null, "infer", default, () => network.Head.ReadPairs(outputs, 0, batch));
    }

    public void Dispose()
    {
        network.Dispose();
        testImages.Dispose();
    }
}
