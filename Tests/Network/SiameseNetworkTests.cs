using ILGPU.Runtime;
using IlgpuSiamese.Network;
using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Network;

/// <summary>The layer graph as a whole, on every backend: shared-weight gradients, gradients through the full loss, learning.</summary>
[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class SiameseNetworkTests(string deviceId) : BackendFixture(deviceId)
{
    private const int Seed = 7;

    /// <summary>Small towers that still use every layer kind: conv (odd and even k), pool, dropout, global pool, dense.</summary>
    private static TowerSpec SmallTower(bool globalPool) => new("test", new TensorShape(1, 8, 6),
        globalPool
            ? [new ConvSpec(3, 3), new MaxPoolSpec(), new DropoutSpec(0.25f), new ConvSpec(4, 2), new GlobalAvgPoolSpec(), new DenseSpec(3, false)]
            : [new ConvSpec(3, 3), new MaxPoolSpec(), new ConvSpec(4, 2), new MaxPoolSpec(), new DenseSpec(5, true), new DenseSpec(3, false)]);

    private static readonly NetworkConfig[] Configs =
    [
        new(SmallTower(globalPool: false), LossKind.Bce, 1f),
        new(SmallTower(globalPool: true), LossKind.Bce, 1f),
        new(SmallTower(globalPool: false), LossKind.Contrastive, 1f),
        new(SmallTower(globalPool: true), LossKind.Contrastive, 1f),
        new(SmallTower(globalPool: false), LossKind.Triplet, 10f), // a wide margin keeps every random triplet inside the hinge
        // Eight filters: on CPUs the conv's inference forward takes its own path (shifted runs, no column matrix), and
        // training must not, since its backward reads the column matrix the training forward writes.
        new(new TowerSpec("test", new TensorShape(1, 6, 6), [new ConvSpec(8, 3), new MaxPoolSpec(), new DenseSpec(3, false)]), LossKind.Contrastive, 1f),
        // Mined from a batch of images labelled i mod 2: every triplet inside the wide margin; the contrastive pairs at any margin.
        // Both on the tower without the five-unit ReLU layer: on that one, hardest-pair contrastive often stopped at a partial
        // collapse (one label's images at one point, loss 0.3-0.45 from 0.47) at 3e-3 and 1e-2, and batch-all about one run
        // in three with two labels interleaved (max same-label distance 20, min other 10): minima of the tiny tower.
        new(SmallTower(globalPool: true), LossKind.Triplet, 10f, Mining.BatchAll),
        new(SmallTower(globalPool: true), LossKind.Contrastive, 1f, Mining.BatchHard),
    ];

    private static readonly string[] TowerNames = ["flat", "gap+dropout", "flat", "gap+dropout", "flat", "8 filters", "gap+dropout, batch-all", "gap+dropout, batch-hard"];

    public static IEnumerable<TestCaseData> Cases() =>
        Configs.Select((c, i) => new TestCaseData(i).SetArgDisplayNames($"{c.Loss} {TowerNames[i]}"));

    /// <summary>The configurations whose head is a pair head (BCE, contrastive); the triplet and mined heads score pairs on the host.</summary>
    public static IEnumerable<TestCaseData> PairHeadCases() =>
        Cases().Where(c => Configs[(int)c.Arguments[0]!] is { Loss: not LossKind.Triplet, Mining: Mining.None });

    /// <summary>Random images for every image of <paramref name="batch"/> examples, laid out as the network takes them.</summary>
    private static double[] LoadInputs(SiameseNetwork network, Numbers numbers, int batch)
    {
        var images = batch * network.Head.ImagesPerExample;
        var inputs = numbers.UniformFloat(images * network.Tower.Spec.Input.Length, 0, 1);
        network.Activations.Inputs(images).CopyFromCPU(Numbers.ToFloat(inputs));
        return inputs;
    }

    private static double[] LoadLabels(SiameseNetwork network, int batch)
    {
        var labels = Enumerable.Range(0, batch).Select(i => (double)(i % 2)).ToArray();
        network.Head.Labels(batch).CopyFromCPU(Numbers.ToFloat(labels));
        return labels;
    }

    private static void ForwardBackward(SiameseNetwork network, int batch, int step)
    {
        network.ZeroGradients();
        network.Forward(batch, step, training: true);
        network.Backward(batch, step);
        network.Device.Synchronize();
    }

    /// <summary>The configurations without dropout: their tower is the same function of each image whatever batch it runs in.</summary>
    public static IEnumerable<TestCaseData> CasesWithoutDropout() =>
        Cases().Where(c => !Configs[(int)c.Arguments[0]!].Tower.Layers.OfType<DropoutSpec>().Any());

    /// <summary>
    /// The twins (or triplets) run as one batch of 2N (3N) images. The shared weights' gradient of that one
    /// pass must equal the sum of separate N-image passes, one per image of the example, each fed its own
    /// block of the embedding gradient: ∂L/∂w = Σ_b ∂L/∂w|block b. (Equal up to float32 summation order:
    /// the one pass sums all 2N images inside one product.)
    /// </summary>
    [TestCaseSource(nameof(CasesWithoutDropout))]
    public void OneBatchOfAllImagesEqualsTheSumOfOnePassPerImage(int config)
    {
        const int batch = 6, step = 3;
        using var network = new SiameseNetwork(Device, Configs[config], batch, Seed);
        var inputs = Numbers.ToFloat(LoadInputs(network, new Numbers(), batch));
        LoadLabels(network, batch);
        ForwardBackward(network, batch, step);
        var p = network.Parameters;
        var together = p.Download(p.Gradients);
        var blocks = network.Head.ImagesPerExample;
        var embeddingGradients = new float[blocks * batch * network.EmbeddingSize];
        network.Activations.EmbeddingGradients(blocks * batch).CopyToCPU(embeddingGradients);

        var separately = new double[p.Length];
        using var single = network.Tower.CreateActivations(batch);
        var pixels = network.Tower.Spec.Input.Length;
        for (var b = 0; b < blocks; b++)
        {
            network.ZeroGradients();
            single.Inputs(batch).CopyFromCPU(inputs.AsSpan(b * batch * pixels, batch * pixels));
            network.Tower.Forward(single, batch, step, training: true);
            single.EmbeddingGradients(batch).CopyFromCPU(embeddingGradients.AsSpan(b * batch * network.EmbeddingSize, batch * network.EmbeddingSize));
            network.Tower.Backward(single, batch, step);
            Device.Synchronize();
            var gradient = p.Download(p.Gradients);
            for (var i = 0; i < gradient.Length; i++)
                separately[i] += gradient[i];
            Assert.That(gradient.Any(g => g != 0), $"block {b} contributes");
        }
        var towerLength = p.Parameters.Where(x => x.Name.StartsWith("tower.")).Sum(x => x.Length);
        var scale = separately.Take(towerLength).Max(Math.Abs);
        for (var i = 0; i < towerLength; i++)
        {
            Assert.That(together[i], Is.EqualTo(separately[i]).Within(1e-5 * scale),
                $"{p.Parameters.First(x => i >= x.Offset && i < x.Offset + x.Length).Name}[{i}]");
        }
    }

    /// <summary>
    /// The device's float32 gradient of the mean loss against central finite differences of the float64 reference
    /// network, at every parameter. The per-operation references already match finite differences to 1e-6; here the
    /// tolerance (1e-2 of the finite difference plus 1e-3 of the largest one, the reference's scale, not the device's)
    /// covers float32 through the whole chain. A probe that misses is skipped only where the float64 loss has a kink
    /// within h and the device's value is a one-sided derivative there (<see cref="GradientCheck.AtKink"/>): float32
    /// rounding can put a pre-activation on the other side of a ReLU. At most a quarter may be. A random draw whose
    /// towers are dead (every ReLU unit of a layer off for every image, so the gradient is exactly 0) is drawn again, at
    /// most 5 times.
    /// </summary>
    [TestCaseSource(nameof(Cases))]
    public void GradientMatchesFiniteDifferencesOfTheWholeLoss(int config)
    {
        const int batch = 4, step = 5;
        var numbers = new Numbers();
        using var network = new SiameseNetwork(Device, Configs[config], batch, Seed);
        var p = network.Parameters;
        double[] inputs = [], labels = [], theta = [], numeric = [];
        double Loss() => ReferenceNetwork.MeanLoss(network.Config, theta, inputs, labels, batch, Seed, step, training: true);
        double LossAt(int j, double offset) => FiniteDifferences.LossWith(theta, j, offset, Loss);
        for (var draw = 0; draw < 5 && !numeric.Any(g => g != 0); draw++)
        {
            inputs = LoadInputs(network, numbers, batch);
            labels = LoadLabels(network, batch);
            // Random biases too: the zero-initialised ones would put every pre-activation of an all-zero
            // input patch exactly on ReLU's kink, where a finite difference straddles it.
            theta = numbers.UniformFloat(p.Length, -0.5, 0.5);
            numeric = Enumerable.Range(0, theta.Length)
                .Select(j => (LossAt(j, GradientCheck.Step) - LossAt(j, -GradientCheck.Step)) / (2 * GradientCheck.Step)).ToArray();
        }
        var scale = numeric.Max(Math.Abs);
        Assert.That(scale, Is.GreaterThan(0), "the loss has a gradient in one of 5 random draws");
        p.Upload(Numbers.ToFloat(theta));
        ForwardBackward(network, batch, step);
        var gradient = p.Download(p.Gradients);
        var misses = new List<string>();
        var atKinks = 0;
        for (var j = 0; j < theta.Length; j++)
        {
            var tolerance = 1e-3 * scale + 1e-2 * Math.Abs(numeric[j]);
            if (Math.Abs(gradient[j] - numeric[j]) <= tolerance)
                continue;
            if (GradientCheck.AtKink(offset => LossAt(j, offset), gradient[j], tolerance))
            {
                atKinks++;
                continue;
            }
            var parameter = p.Parameters.First(x => j >= x.Offset && j < x.Offset + x.Length);
            misses.Add($"{parameter.Name}[{j - parameter.Offset}]: device {gradient[j]:g9}, finite difference {numeric[j]:g9}");
        }
        Assert.That(misses, Is.Empty, $"{misses.Count} of {theta.Length} parameters over |device - finite difference| <= {1e-3 * scale:g3} + 1e-2·|finite difference|");
        Assert.That(atKinks, Is.LessThanOrEqualTo(theta.Length / 4), "probes within h of a kink");
    }

    /// <summary>A training step's one read from the device holds what the separate views hold, for a batch smaller than the network's.</summary>
    [TestCaseSource(nameof(Cases))]
    public void ReadStepHoldsTheLossesAndDecisionValues(int config)
    {
        const int capacity = 8, batch = 5;
        using var network = new SiameseNetwork(Device, Configs[config], capacity, Seed);
        LoadInputs(network, new Numbers(), batch);
        LoadLabels(network, batch);
        ForwardBackward(network, batch, 1);
        float[] Read(ILGPU.ArrayView<float> view)
        {
            var values = new float[view.Length];
            view.CopyToCPU(values);
            return values;
        }
        var step = network.Head.ReadStep(batch);
        Assert.That(step.Losses.ToArray(), Is.EqualTo(Read(network.Head.Losses(batch))).AsCollection);
        Assert.That(step.Losses.ToArray(), Has.None.NaN);
        if (network.Config.Loss == LossKind.Triplet)
            return;
        Assert.That(step.Distances.ToArray(), Is.EqualTo(Read(network.Head.Distances(batch))).AsCollection);
        if (network.Head is IlgpuSiamese.Network.Heads.BceHead bce)
            Assert.That(step.Probabilities.ToArray(), Is.EqualTo(Read(bce.Probabilities(batch))).AsCollection);
    }

    /// <summary>Scoring's read puts each pair's distance, loss (and BCE probability) at its place in the outputs, and nothing else.</summary>
    [TestCaseSource(nameof(PairHeadCases))]
    public void ReadPairsPlacesTheScoredPairsOutputs(int config)
    {
        const int batch = 5, start = 2;
        using var network = new SiameseNetwork(Device, Configs[config], batch, Seed);
        LoadInputs(network, new Numbers(), batch);
        LoadLabels(network, batch);
        network.ForwardPairs(batch);
        Device.Synchronize();
        float[] Poisoned() => Enumerable.Repeat(float.NaN, start + batch + 1).ToArray();
        var outputs = new IlgpuSiamese.Network.Heads.PairOutputs(Poisoned(), Poisoned(), Poisoned(), new float[start + batch + 1]);
        network.Head.ReadPairs(outputs, start, batch);

        var (distances, losses) = (new float[batch], new float[batch]);
        network.Head.Distances(batch).CopyToCPU(distances);
        network.Head.Losses(batch).CopyToCPU(losses);
        Assert.That(outputs.Distances[start..(start + batch)], Is.EqualTo(distances).AsCollection);
        Assert.That(outputs.Losses[start..(start + batch)], Is.EqualTo(losses).AsCollection);
        Assert.That(new[] { outputs.Distances[1], outputs.Distances[^1], outputs.Losses[1], outputs.Losses[^1] }, Is.All.NaN, "only the pairs' own places");
        if (network.Head is IlgpuSiamese.Network.Heads.BceHead bce)
        {
            var probabilities = new float[batch];
            bce.Probabilities(batch).CopyToCPU(probabilities);
            Assert.That(outputs.Probabilities[start..(start + batch)], Is.EqualTo(probabilities).AsCollection);
        }
    }

    /// <summary>The largest distance between two images of one label and the smallest between two of different labels, from the last forward's embeddings.</summary>
    private static (double MaxSame, double MinDifferent) LabelDistances(SiameseNetwork network, double[] labels, int batch)
    {
        var features = network.Tower.EmbeddingSize;
        var e = new float[batch * features];
        network.Activations.Embeddings(batch).CopyToCPU(e);
        double D(int i, int j) => Math.Sqrt(Enumerable.Range(0, features).Sum(k => Math.Pow(e[i * features + k] - e[j * features + k], 2)));
        var pairs = Enumerable.Range(0, batch).SelectMany(i => Enumerable.Range(i + 1, batch - i - 1).Select(j => (Same: labels[i] == labels[j], D: D(i, j)))).ToList();
        return (pairs.Where(p => p.Same).Max(p => p.D), pairs.Where(p => !p.Same).Min(p => p.D));
    }

    [TestCaseSource(nameof(Cases))]
    public void TinyBatchIsOverfit(int config)
    {
        const int batch = 8;
        var numbers = new Numbers();
        using var network = new SiameseNetwork(Device, Configs[config], batch, Seed);
        LoadInputs(network, numbers, batch);
        var labels = LoadLabels(network, batch);
        double MeanLoss()
        {
            var losses = new float[batch];
            network.Head.Losses(batch).CopyToCPU(losses);
            var mean = losses.Average(l => (double)l);
            // Batch-all averages over its active triplets only; over all of them, as the other losses average, the loss
            // falls as triplets leave the hinge.
            if (network.Head is IlgpuSiamese.Network.Heads.MinedHead mined && network.Config.Mining == Mining.BatchAll)
            {
                var (examples, active) = mined.ReadActive(batch);
                return mean * active / examples;
            }
            return mean;
        }
        ForwardBackward(network, batch, 1);
        var first = MeanLoss();
        TestContext.Out.WriteLine($"first loss {first}");
        for (var step = 1; step <= 600; step++)
        {
            ForwardBackward(network, batch, step);
            // At 1e-2 the triplet tower collapsed for some random inputs (SIAMESE_TEST_SEED=139846132: the loss stuck at 1.25,
            // the margin's plateau), before and after the op plans; at 3e-3 it overfits them, and the pair losses keep 1e-2.
            network.AdamStep(step, network.Config.Loss == LossKind.Triplet ? 3e-3 : 1e-2);
        }
        network.ForwardPairs(batch);
        Device.Synchronize();
        var distances = new float[batch];
        network.Head.Distances(batch).CopyToCPU(distances);
        if (network.Config.Mining != Mining.None)
        {
            // Judged without dropout: under it each anchor's hardest pairs are extremes of noisy distances, and the
            // hardest-pair contrastive loss kept a floor (0.15-0.24 from 0.48) on batches it had already separated.
            network.Forward(batch, 601, training: false);
            Device.Synchronize();
            var (maxSame, minDifferent) = LabelDistances(network, labels, batch);
            Assert.That(maxSame, Is.LessThan(minDifferent), $"every same-label pair closer than every other pair: max same {maxSame}, min different {minDifferent}");
            // A triplet hinge closes to zero; the contrastive loss reaches zero only where same-label images coincide.
            Assert.That(MeanLoss(), Is.LessThan(first * (network.Config.Loss == LossKind.Triplet ? 0.05 : 0.3)), $"the mined loss falls from {first}");
            return;
        }
        if (network.Config.Loss == LossKind.Triplet)
        {
            ForwardBackward(network, batch, 601);
            Assert.That(MeanLoss(), Is.LessThan(first * 0.05), "the triplet loss is driven near zero");
            return;
        }
        var same = distances.Where((_, i) => labels[i] > 0.5).Max();
        var different = distances.Where((_, i) => labels[i] < 0.5).Min();
        Assert.That(same, Is.LessThan(different), $"every same pair closer than every different pair: max same {same}, min different {different}");
        Assert.That(MeanLoss(), Is.LessThan(first * 0.3), $"loss falls from {first}");
    }
}
