using System.Diagnostics;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Network;
using IlgpuSiamese.Network.Heads;
using IlgpuSiamese.Network.Layers;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Measuring;

/// <summary>
/// Times every op of an inference batch one by one, as <see cref="PairEvaluator"/> runs it: gather both images of each pair,
/// each tower layer's forward without dropout (the convolutions' inference path), the head's forward and the one read back.
/// The device is synchronised before and after each op; the whole batch is also timed on its own, in alternation with the
/// profiled ones. Medians over the repetitions, work from <see cref="OpCosts"/>.
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
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        for (var s = 0; s < Math.Max(1, warmup); s++)
            WholeBatch();
        var samples = new List<double[]>();
        var batchSamples = new List<double>();
        List<(string Op, string Kind, int? Layer, OpCost Cost, string Path)>? ops = null;
        for (var r = 0; r < repetitions; r++)
        {
            var timed = new List<(string, string, int?, OpCost, string)>();
            var times = new List<double>();
            ProfiledBatch((op, kind, layer, cost, path, ms) =>
            {
                timed.Add((op, kind, layer, cost, path));
                times.Add(ms);
            });
            ops ??= timed;
            samples.Add(times.ToArray());
            var clock = Stopwatch.StartNew();
            WholeBatch();
            batchSamples.Add(clock.Elapsed.TotalMilliseconds);
        }
        var rows = ops!.Select((o, i) =>
        {
            var opSamples = samples.Select(s => s[i]).ToArray();
            return new OpTiming(i, o.Op, o.Kind, o.Layer, "infer", BenchmarkStatistics.Median(opSamples), opSamples, o.Cost, o.Path);
        }).ToList();
        var roofs = Roofline.RoofsOf(device);
        return new LayerProfileResult(tower, device.Info, $"{device.Name} ({device.Info.Parallelism} {device.Info.ParallelismUnit})",
            batch, Images, network.Parameters.Length, roofs.Peak, roofs.NominalPeak, roofs.Bandwidth, rows, BenchmarkStatistics.Median(batchSamples), batchSamples);
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

    private delegate void Record(string op, string kind, int? layer, OpCost cost, string path, double ms);

    private void ProfiledBatch(Record record)
    {
        NextBatch();
        var activations = network.Activations;
        var layers = network.Tower.Layers;
        var specs = network.Tower.Spec.Layers;
        device.Synchronize();

        void Time(string op, string kind, int? layer, OpCost cost, Action run, string path = "-")
        {
            var clock = Stopwatch.StartNew();
            run();
            device.Synchronize();
            record(op, kind, layer, cost, path, clock.Elapsed.TotalMilliseconds);
        }

        var pixels = testImages.Images.Height * testImages.Images.Width;
        Time("gather images", "gather", null, OpCosts.Gather(Images, pixels), () => testImages.Load(activations, indices, batch));
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = i;
            var (name, kind, forward, _) = LayerProfile.Describe(layers[i], specs[i], i, Images, device.Info.IsGpu);
            Time(name, kind, i, forward, () => network.Tower.ForwardLayer(layer, activations, Images, step: 0, training: false),
                layers[i].ForwardPath(new Pass(Images, Step: 0, Training: false)));
        }
        Time("head (distances)", "head", null, OpCosts.PairHeadForward(batch, network.EmbeddingSize),
            () => network.Head.ForwardPairs(activations.Embeddings(Images), batch));
        Time("read back", "read", null, default, () => network.Head.ReadPairs(outputs, 0, batch));
    }

    public void Dispose()
    {
        network.Dispose();
        testImages.Dispose();
    }
}
