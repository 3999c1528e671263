using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Network;
using IlgpuSiamese.Network.Layers;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Measuring;

/// <summary>One op of a training step in one pass: its median time over the profiled steps, every sample, and its modelled work.</summary>
/// <param name="Order">Its place in the step (0 first), so the step can be read in order as well as by time.</param>
/// <param name="Layer">The tower layer's index, or null for the head and the step's other ops.</param>
/// <param name="Kind">conv, maxpool, dropout, gap, dense, head, gather, labels, zero, adam.</param>
/// <param name="Path">The named path the op's plan took (a conv's im2col+GEMM, shifted runs, ...; <see cref="Layer.ForwardPath"/>), "-" for an op with one way to run.</param>
public sealed record OpTiming(int Order, string Op, string Kind, int? Layer, string Pass, double MedianMs, IReadOnlyList<double> SamplesMs, OpCost Cost,
    string Path)
{
    /// <summary>GFLOP/s at the median time; null for an op with no FLOPs.</summary>
    public double? GflopsPerSecond => Cost.Flops > 0 && MedianMs > 0 ? Cost.Flops / (MedianMs * 1e6) : null;
}

/// <summary>A per-layer profile of one tower's training step on one device.</summary>
/// <param name="Peak">The measured peak (<see cref="FmaPeak"/>): the floors' and the % of peak's.</param>
/// <param name="StepMedianMs">The whole step, TrainingStep.Run timed on its own (one synchronisation at its end).</param>
public sealed record LayerProfileResult(string Tower, DeviceInfo Device, string Description, int Pairs, int Images, int Parameters,
    DevicePeak Peak, DevicePeak NominalPeak, DeviceBandwidth Bandwidth, IReadOnlyList<OpTiming> Ops, double StepMedianMs, IReadOnlyList<double> StepSamplesMs)
{
    public double SumOfMediansMs => Ops.Sum(o => o.MedianMs);

    /// <summary>An op's roofline floor on this device (<see cref="Roofline.FloorMs"/>); none for the labels' copy from the host, which the bus bounds, not device memory.</summary>
    public double? FloorMs(OpTiming op) => op.Kind == "labels" ? null : Roofline.FloorMs(op.Cost, Peak, Bandwidth);

    /// <summary>A profile of <paramref name="ops"/> on <paramref name="device"/>, with the device's roofs measured now.</summary>
    public static LayerProfileResult Of(ComputeDevice device, string tower, int pairs, int images, int parameters, IReadOnlyList<OpTiming> ops,
        IReadOnlyList<double> wholeMs)
    {
        var roofs = Roofline.RoofsOf(device);
        return new LayerProfileResult(tower, device.Info, $"{device.Name} ({device.Info.Parallelism} {device.Info.ParallelismUnit})",
            pairs, images, parameters, roofs.Peak, roofs.NominalPeak, roofs.Bandwidth, ops, BenchmarkStatistics.Median(wholeMs), wholeMs);
    }

    /// <summary>How many times its floor an op takes; null where the floor is unknown.</summary>
    public double? TimesFloor(OpTiming op) => FloorMs(op) is > 0 and var floor ? op.MedianMs / floor : null;
}

/// <summary>
/// Times every op of a real training step one by one: the trainer's sequence (gather the images, zero the
/// gradients, upload the labels, each tower layer's forward, the head's forward and backward, each layer's
/// backward from the last, Adam), through <see cref="OpProfiler"/>; the whole step, timed on its own in alternation with the
/// profiled ones, is <see cref="TrainingStep.Run"/>. The work of each op comes from <see cref="OpCosts"/>.
/// </summary>
public sealed class LayerProfile : IDisposable
{
    private readonly ComputeDevice device;
    private readonly SiameseNetwork network;
    private readonly DeviceImages trainImages;
    private readonly PairSet pairs;
    private readonly int[][] indices;
    private readonly float[] labels;
    private readonly string tower;
    private readonly int batch;
    private int cursor, step;

    public LayerProfile(ComputeDevice device, string tower, BenchmarkData data, int pairsPerStep = 64, int seed = 42)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pairsPerStep, 1);
        if (data.TrainPairs.Count < pairsPerStep)
            throw new ArgumentException($"{data.TrainPairs.Count} training pairs are fewer than one batch of {pairsPerStep}", nameof(data));
        this.device = device;
        this.tower = tower;
        batch = pairsPerStep;
        network = new SiameseNetwork(device, BenchmarkTowers.Network(tower), pairsPerStep, seed);
        trainImages = new DeviceImages(device, data.Train, network.Activations.MaxImages);
        pairs = data.TrainPairs;
        indices = [new int[batch], new int[batch]];
        labels = new float[batch];
    }

    private int Images => batch * network.Head.ImagesPerExample;

    /// <summary><paramref name="warmup"/> whole steps untimed, then <paramref name="repetitions"/> profiled steps, each followed by a timed whole step.</summary>
    public LayerProfileResult Measure(int repetitions, int warmup)
    {
        var (rows, stepMs) = OpProfiler.Measure(device, repetitions, warmup, WholeStep, ProfiledStep);
        return LayerProfileResult.Of(device, tower, batch, Images, network.Parameters.Length, rows, stepMs);
    }

    private void NextBatch()
    {
        if (cursor + batch > pairs.Count)
            cursor = 0;
        Trainer.FillBatch(pairs, null, cursor, batch, indices, labels);
        cursor += batch;
        step++;
    }

    private void WholeStep()
    {
        NextBatch();
        TrainingStep.Run(network, trainImages, indices, labels, batch, step, epoch: 0, BenchmarkTowers.LearningRate);
    }

    /// <summary>TrainingStep.Run's sequence, op by op.</summary>
    private void ProfiledStep(OpProfiler.TimeOp time)
    {
        NextBatch();
        var images = Images;
        var activations = network.Activations;
        var layers = network.Tower.Layers;
        var specs = network.Tower.Spec.Layers;

        var pixels = trainImages.Images.Height * trainImages.Images.Width;
        time("gather images", "gather", null, "step", OpCosts.Gather(images, pixels), () => trainImages.Load(activations, indices, batch));
        time("zero gradients", "zero", null, "step", OpCosts.ZeroGradients(network.Parameters.Length), network.ZeroGradients);
        time("labels to device", "labels", null, "step", OpCosts.Labels(batch),
            () => network.Head.Labels(batch).CopyFromCPU(labels.AsSpan(0, batch)));
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = i;
            var (name, kind, forward, _) = Describe(layers[i], specs[i], i, images);
            time(name, kind, i, "forward", forward, () => network.Tower.ForwardLayer(layer, activations, images, step, training: true),
                layers[i].ForwardPath(new Pass(images, step, Training: true)));
        }
        var head = $"head ({BenchmarkTowers.LossOf(tower).ToString().ToLowerInvariant()})";
        time(head, "head", null, "forward", OpCosts.PairHeadForward(batch, network.EmbeddingSize),
            () => network.Head.Forward(activations.Embeddings(images), batch));
        time(head, "head", null, "backward", OpCosts.PairHeadBackward(batch, network.EmbeddingSize),
            () => network.Head.Backward(activations.EmbeddingGradients(images), activations.Embeddings(images), batch));
        for (var i = layers.Count - 1; i >= 0; i--)
        {
            var layer = i;
            var (name, kind, _, backward) = Describe(layers[i], specs[i], i, images);
            time(name, kind, i, "backward", backward, () => network.Tower.BackwardLayer(layer, activations, images, step),
                layers[i].BackwardPath(new Pass(images, step, Training: true), inputGradient: i > 0));
        }
        time("adam", "adam", null, "step", OpCosts.Adam(network.Parameters.Length),
            () => network.AdamStep(step, BenchmarkTowers.LearningRate));
    }

    /// <summary>A layer's row name, kind, and the work of its forward and backward at <paramref name="n"/> images (a conv's backward as its plan runs it on this device).</summary>
    public static (string Name, string Kind, OpCost Forward, OpCost Backward) Describe(Layer layer, LayerSpec spec, int index, int n)
    {
        var (input, output) = (layer.Input, layer.Output);
        var first = index == 0;
        return spec switch
        {
            ConvSpec c => ($"{index} conv {c.Kernel}x{c.Kernel} {input.Channels}→{c.Filters} {input.Height}x{input.Width}", "conv",
                OpCosts.ConvForward(n, input.Channels, input.Height, input.Width, c.Filters, c.Kernel),
                OpCosts.ConvBackward(((ConvLayer)layer).Plan(n), !first)),
            DenseSpec d => ($"{index} dense {input.Length}→{d.Units}{(d.Relu ? " relu" : "")}", "dense",
                OpCosts.DenseForward(n, input.Length, d.Units), OpCosts.DenseBackward(n, input.Length, d.Units, !first)),
            MaxPoolSpec => ($"{index} maxpool {input}", "maxpool",
                OpCosts.MaxPoolForward((double)n * input.Length, (double)n * output.Length),
                first || layer is MaxPoolLayer { AfterConv: true } ? default : OpCosts.MaxPoolBackward((double)n * input.Length, (double)n * output.Length)),
            DropoutSpec r => ($"{index} dropout {r.Rate:0.##} {input}", "dropout",
                OpCosts.Dropout((double)n * input.Length), first ? default : OpCosts.Dropout((double)n * input.Length)),
            GlobalAvgPoolSpec => ($"{index} gap {input}", "gap",
                OpCosts.GlobalAvgPoolForward((double)n * input.Length, (double)n * output.Length),
                first ? default : OpCosts.GlobalAvgPoolBackward((double)n * input.Length, (double)n * output.Length)),
            var other => ($"{index} {other.GetType().Name}", "other", default, default),
        };
    }

    public void Dispose()
    {
        network.Dispose();
        trainImages.Dispose();
    }
}
