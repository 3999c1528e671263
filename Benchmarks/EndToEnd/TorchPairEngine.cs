using IlgpuSiamese.Network;
using IlgpuSiamese.Measuring;
using IlgpuSiamese.Training.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IlgpuSiamese.Benchmarks.EndToEnd;

/// <summary>
/// The same siamese networks in TorchSharp (libtorch on the CPU), the peer this engine is measured against:
/// the same towers, heads, losses, Adam settings, batch sizes, images and pairs, in the same order.
/// A step: gather both branches' images out of the whole set, zero gradients, both towers, distance, loss per
/// pair, backward of the mean, Adam, per-pair losses read back. Inference: no gradients, no dropout, distances
/// (and BCE probabilities) and per-pair losses read back, as the evaluator does. The towers run as two calls of
/// N images, or as one call of 2N (<see cref="TwinsInOneCall"/>: both images gathered into one tensor, the
/// embeddings split after), which may suit libtorch's threads better; e2e measures both.
/// Every call first sets libtorch's intra-op thread count to <see cref="Threads"/>.
/// </summary>
public sealed class TorchPairEngine : IPairEngine
{
    private readonly Sequential tower;
    private readonly Linear? head;
    private readonly optim.Optimizer optimizer;
    private readonly Tensor trainImages, testImages;
    private readonly PairSet trainPairs, testPairs;
    private readonly LossKind loss;
    private readonly long[] first, second, inferenceFirst, inferenceSecond, bothTrain, bothInference;
    private readonly float[] labels, inferenceLabels, losses, inferenceDistances, inferenceProbabilities, inferenceLosses;
    private int trainCursor, inferenceCursor;

    public string Id => IdOf(Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"), Threads, TwinsInOneCall);
    public string Description => $"TorchSharp {TorchSharpVersion}, libtorch CPU";
    public int Threads { get; }
    public bool TwinsInOneCall { get; }
    public string Tower { get; }
    public int TrainBatch { get; }
    public int InferenceBatch { get; }
    public double LastMeanLoss { get; private set; } = double.NaN;

    public static string TorchSharpVersion =>
        typeof(torch).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0]
        ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? "?";

    /// <summary>"torchsharp cpu PASSIVE 2t two calls": one configuration of the peer, as tables and ratios name it.</summary>
    public static string IdOf(string? waitPolicy, int threads, bool twinsInOneCall) =>
        $"torchsharp cpu {(string.IsNullOrEmpty(waitPolicy) ? "default-wait" : waitPolicy)} {threads}t {CallsOf(twinsInOneCall)}";

    public static string CallsOf(bool twinsInOneCall) => twinsInOneCall ? "one call" : "two calls";

    public TorchPairEngine(string towerName, BenchmarkData data, int threads, bool twinsInOneCall = false, int trainBatch = 64,
        int inferenceBatch = 256, int seed = 42)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        TwinsInOneCall = twinsInOneCall;
        torch.set_num_threads(threads);
        Tower = towerName;
        TrainBatch = trainBatch;
        InferenceBatch = inferenceBatch;
        loss = BenchmarkTowers.LossOf(towerName);
        torch.manual_seed(seed);
        tower = BuildTower(towerName);
        var parameters = tower.parameters().ToList();
        if (loss == LossKind.Bce)
        {
            head = nn.Linear(1, 1);
            using (torch.no_grad())
            {
                // As the engine does: a non-positive head weight, so that training does not start stuck.
                head.weight!.uniform_(-1, 0);
                head.bias!.zero_();
            }
            parameters.AddRange(head.parameters());
        }
        optimizer = optim.Adam(parameters, lr: BenchmarkTowers.LearningRate, beta1: 0.9, beta2: 0.999, eps: 1e-7);
        trainImages = ImagesTensor(data.Train);
        testImages = ImagesTensor(data.Test);
        trainPairs = data.TrainPairs;
        testPairs = data.TestPairs;
        (first, second, labels, losses) = (new long[trainBatch], new long[trainBatch], new float[trainBatch], new float[trainBatch]);
        (inferenceFirst, inferenceSecond) = (new long[inferenceBatch], new long[inferenceBatch]);
        (bothTrain, bothInference) = (new long[2 * trainBatch], new long[2 * inferenceBatch]);
        (inferenceLabels, inferenceDistances, inferenceProbabilities, inferenceLosses) =
            (new float[inferenceBatch], new float[inferenceBatch], new float[inferenceBatch], new float[inferenceBatch]);
    }

    /// <summary>
    /// keras: conv 2×2×64 with Keras' "same" padding for an even kernel (0 before, 1 after) → ReLU → maxpool 2 →
    /// dropout 0.3, twice, then global average pooling → dense 48. flat: conv 3×3×32 pad 1 → ReLU → maxpool →
    /// conv 3×3×64 pad 1 → ReLU → maxpool → flatten 3136 → dense 128 → ReLU → dense 48. Glorot-uniform weights, zero biases.
    /// </summary>
    private static Sequential BuildTower(string name)
    {
        var spec = BenchmarkTowers.Network(name).Tower;
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        var shape = spec.Input;
        for (var i = 0; i < spec.Layers.Count; i++)
        {
            switch (spec.Layers[i])
            {
                case ConvSpec c:
                    var before = (c.Kernel - 1) / 2;
                    var after = c.Kernel - 1 - before;
                    if (before == after)
                        layers.Add(($"conv{i}", nn.Conv2d(shape.Channels, c.Filters, c.Kernel, padding: before)));
                    else
                    {
                        layers.Add(($"pad{i}", nn.ZeroPad2d((before, after, before, after))));
                        layers.Add(($"conv{i}", nn.Conv2d(shape.Channels, c.Filters, c.Kernel)));
                    }
                    layers.Add(($"relu{i}", nn.ReLU()));
                    shape = shape with { Channels = c.Filters };
                    break;
                case MaxPoolSpec:
                    layers.Add(($"pool{i}", nn.MaxPool2d(2)));
                    shape = shape with { Height = shape.Height / 2, Width = shape.Width / 2 };
                    break;
                case DropoutSpec d:
                    layers.Add(($"dropout{i}", nn.Dropout(d.Rate)));
                    break;
                case GlobalAvgPoolSpec:
                    layers.Add(($"gap{i}", nn.AdaptiveAvgPool2d(1)));
                    shape = new TensorShape(shape.Channels, 1, 1);
                    break;
                case DenseSpec dense:
                    if (shape.Height != 1 || shape.Width != 1 || layers.All(l => l.Item1 != "flatten"))
                        layers.Add(("flatten", nn.Flatten()));
                    layers.Add(($"dense{i}", nn.Linear(shape.Length, dense.Units)));
                    if (dense.Relu)
                        layers.Add(($"relu{i}", nn.ReLU()));
                    shape = new TensorShape(dense.Units, 1, 1);
                    break;
                default:
                    throw new NotSupportedException($"no TorchSharp layer for {spec.Layers[i]}");
            }
        }
        var model = nn.Sequential(layers);
        using (torch.no_grad())
        {
            foreach (var (_, module) in layers)
            {
                if (module is Conv2d conv)
                {
                    nn.init.xavier_uniform_(conv.weight);
                    conv.bias?.zero_();
                }
                else if (module is Linear linear)
                {
                    nn.init.xavier_uniform_(linear.weight);
                    linear.bias?.zero_();
                }
            }
        }
        return model;
    }

    private static Tensor ImagesTensor(LabelledImages images)
    {
        using var bytes = torch.tensor(images.Pixels, [images.Count, 1, images.Height, images.Width], ScalarType.Byte);
        return bytes.to_type(ScalarType.Float32).div_(255f);
    }

    /// <summary>The embeddings of both images of every pair: two calls of the tower, or one call on the 2N images.</summary>
    private (Tensor First, Tensor Second) Embed(Tensor images, long[] firstIndices, long[] secondIndices, long[] both)
    {
        if (!TwinsInOneCall)
            return (tower.call(images.index_select(0, torch.tensor(firstIndices))), tower.call(images.index_select(0, torch.tensor(secondIndices))));
        firstIndices.CopyTo(both, 0);
        secondIndices.CopyTo(both, firstIndices.Length);
        var embeddings = tower.call(images.index_select(0, torch.tensor(both)));
        return (embeddings.narrow(0, 0, firstIndices.Length), embeddings.narrow(0, firstIndices.Length, secondIndices.Length));
    }

    /// <summary>d = sqrt(max(Σ (a-b)², 1e-7)) per pair.</summary>
    private static Tensor Distance(Tensor a, Tensor b) => (a - b).square().sum(1).clamp_min(1e-7).sqrt();

    private (Tensor Loss, Tensor? Probability) PerPairLoss(Tensor distance, Tensor label)
    {
        if (head is not null)
        {
            var logit = head.call(distance.unsqueeze(1)).squeeze(1);
            return (nn.functional.binary_cross_entropy_with_logits(logit, label, reduction: nn.Reduction.None), logit.sigmoid());
        }
        var gap = (BenchmarkTowers.Margin - distance).clamp_min(0);
        return (label * distance.square() + (1 - label) * gap.square(), null);
    }

    public void Train(int steps)
    {
        torch.set_num_threads(Threads);
        tower.train();
        for (var s = 0; s < steps; s++)
        {
            if (trainCursor + TrainBatch > trainPairs.Count)
                trainCursor = 0;
            for (var i = 0; i < TrainBatch; i++)
            {
                first[i] = trainPairs.First[trainCursor + i];
                second[i] = trainPairs.Second[trainCursor + i];
                labels[i] = trainPairs.Label[trainCursor + i];
            }
            trainCursor += TrainBatch;
            using var scope = torch.NewDisposeScope();
            var y = torch.tensor(labels);
            optimizer.zero_grad();
            var (a, b) = Embed(trainImages, first, second, bothTrain);
            var distance = Distance(a, b);
            var (perPair, _) = PerPairLoss(distance, y);
            perPair.mean().backward();
            optimizer.step();
            perPair.data<float>().CopyTo(losses);
        }
        if (steps > 0)
            LastMeanLoss = losses.Average(l => (double)l);
    }

    public void Infer(int batches)
    {
        torch.set_num_threads(Threads);
        tower.eval();
        using var noGrad = torch.no_grad();
        var count = Math.Max(1, testPairs.Count / InferenceBatch);
        for (var n = 0; n < batches; n++)
        {
            var start = inferenceCursor * InferenceBatch;
            for (var i = 0; i < InferenceBatch; i++)
            {
                var k = (start + i) % testPairs.Count;
                inferenceFirst[i] = testPairs.First[k];
                inferenceSecond[i] = testPairs.Second[k];
                inferenceLabels[i] = testPairs.Label[k];
            }
            inferenceCursor = (inferenceCursor + 1) % count;
            using var scope = torch.NewDisposeScope();
            var (a, b) = Embed(testImages, inferenceFirst, inferenceSecond, bothInference);
            var distance = Distance(a, b);
            var (perPair, probability) = PerPairLoss(distance, torch.tensor(inferenceLabels));
            distance.data<float>().CopyTo(inferenceDistances);
            probability?.data<float>().CopyTo(inferenceProbabilities);
            perPair.data<float>().CopyTo(inferenceLosses);
        }
    }

    public void Dispose()
    {
        optimizer.Dispose();
        tower.Dispose();
        head?.Dispose();
        trainImages.Dispose();
        testImages.Dispose();
    }
}
