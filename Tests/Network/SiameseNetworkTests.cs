using ILGPU.Runtime;
using IlgpuSiamese.Network;
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
    ];

    public static IEnumerable<TestCaseData> Cases() =>
        Configs.Select((c, i) => new TestCaseData(i).SetArgDisplayNames($"{c.Loss} {(i % 2 == 1 ? "gap+dropout" : "flat")}"));

    private static double[][] LoadInputs(SiameseNetwork network, Numbers numbers, int batch)
    {
        var inputs = network.Branches.Select(_ => numbers.UniformFloat(batch * network.Tower.Spec.Input.Length, 0, 1)).ToArray();
        for (var b = 0; b < inputs.Length; b++)
            network.Branches[b].InputBatch(batch).CopyFromCPU(Numbers.ToFloat(inputs[b]));
        return inputs;
    }

    private static double[] LoadLabels(SiameseNetwork network, int batch)
    {
        var labels = Enumerable.Range(0, batch).Select(i => (double)(i % 2)).ToArray();
        network.Labels(batch).CopyFromCPU(Numbers.ToFloat(labels));
        return labels;
    }

    private static void ForwardBackward(SiameseNetwork network, int batch, int step)
    {
        network.ZeroGradients();
        if (network.Config.Loss == LossKind.Triplet)
        {
            network.ForwardTriplets(batch, step);
            network.BackwardTriplets(batch, step);
        }
        else
        {
            network.ForwardPairs(batch, step, training: true);
            network.BackwardPairs(batch, step);
        }
        network.Device.Synchronize();
    }

    public static IEnumerable<TestCaseData> PairCases() => Cases().Where(c => Configs[(int)c.Arguments[0]!].Loss != LossKind.Triplet);

    [TestCaseSource(nameof(PairCases))]
    public void SharedWeightGradientIsTheSumOfBothBranches(int config)
    {
        const int batch = 6, step = 3;
        using var network = new SiameseNetwork(Device, Configs[config], batch, Seed);
        LoadInputs(network, new Numbers(), batch);
        LoadLabels(network, batch);
        var p = network.Parameters;
        float[] BranchOnly(int branch)
        {
            network.ZeroGradients();
            network.ForwardPairs(batch, step, training: true);
            network.BackwardPairHead(batch);
            network.Tower.Backward(network.Branches[branch], batch, step);
            Device.Synchronize();
            return p.Download(p.Gradients);
        }
        var a = BranchOnly(0);
        var b = BranchOnly(1);
        ForwardBackward(network, batch, step);
        var both = p.Download(p.Gradients);
        var towerLength = p.Parameters.Where(x => x.Name.StartsWith("tower.")).Sum(x => x.Length);
        var head = p.Parameters.Where(x => x.Name.StartsWith("head.")).ToList();
        for (var i = 0; i < towerLength; i++)
        {
            // Each weight's kernel adds its branch sum once: 0 + b + a is exactly b + a in float.
            Assert.That(both[i], Is.EqualTo(b[i] + a[i]), $"{p.Parameters.First(x => i >= x.Offset && i < x.Offset + x.Length).Name}[{i}]");
        }
        foreach (var h in head)
            Assert.That(both[h.Offset], Is.EqualTo(a[h.Offset]), $"{h.Name}: the head runs once per pair, not per branch");
        Assert.That(a.Take(towerLength).Any(g => g != 0) && b.Take(towerLength).Any(g => g != 0), "both branches contribute");
    }

    /// <summary>
    /// The device's float32 gradient of the mean loss against central differences of the float64
    /// reference network. The per-operation references already match finite differences to 1e-6;
    /// here the tolerance (rtol 1e-2, atol 1e-3 of the largest gradient) covers float32 through the
    /// whole chain, where a pre-activation within float32 rounding of a ReLU kink can flip its mask.
    /// </summary>
    [TestCaseSource(nameof(Cases))]
    public void GradientMatchesFiniteDifferencesOfTheWholeLoss(int config)
    {
        const int batch = 4, step = 5;
        var numbers = new Numbers();
        using var network = new SiameseNetwork(Device, Configs[config], batch, Seed);
        var inputs = LoadInputs(network, numbers, batch);
        var labels = LoadLabels(network, batch);
        var p = network.Parameters;
        // Random biases too: the zero-initialised ones would put every pre-activation of an all-zero
        // input patch exactly on ReLU's kink, where a finite difference straddles it.
        var theta = numbers.UniformFloat(p.Length, -0.5, 0.5);
        p.Upload(Numbers.ToFloat(theta));
        ForwardBackward(network, batch, step);
        var gradient = p.Download(p.Gradients);
        double Loss() => ReferenceNetwork.MeanLoss(network.Config, theta, inputs, labels, batch, Seed, step, training: true);
        var scale = gradient.Max(Math.Abs);
        Assert.That(scale, Is.GreaterThan(0), "the loss has a gradient");
        var probes = Enumerable.Range(0, 40).Select(_ => numbers.Random.Next(theta.Length))
            .Concat(p.Parameters.Select(x => x.Offset)).Distinct();
        foreach (var j in probes)
        {
            var saved = theta[j];
            const double h = 1e-5;
            theta[j] = saved + h;
            var plus = Loss();
            theta[j] = saved - h;
            var minus = Loss();
            theta[j] = saved;
            var numeric = (plus - minus) / (2 * h);
            var name = p.Parameters.First(x => j >= x.Offset && j < x.Offset + x.Length).Name;
            Assert.That(Math.Abs(gradient[j] - numeric), Is.LessThanOrEqualTo(1e-3 * scale + 1e-2 * Math.Abs(numeric)),
                $"{name}[{j - p.Parameters.First(x => x.Name == name).Offset}]: device {gradient[j]:g9}, finite difference {numeric:g9}");
        }
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
            network.Losses(batch).CopyToCPU(losses);
            return losses.Average(l => (double)l);
        }
        ForwardBackward(network, batch, 1);
        var first = MeanLoss();
        for (var step = 1; step <= 300; step++)
        {
            ForwardBackward(network, batch, step);
            network.AdamStep(step, 1e-2);
        }
        network.ForwardPairs(batch, 0, training: false, computeLoss: network.Config.Loss != LossKind.Triplet);
        Device.Synchronize();
        var distances = new float[batch];
        network.Distances(batch).CopyToCPU(distances);
        if (network.Config.Loss == LossKind.Triplet)
        {
            ForwardBackward(network, batch, 301);
            Assert.That(MeanLoss(), Is.LessThan(first * 0.05), "the triplet loss is driven near zero");
            return;
        }
        var same = distances.Where((_, i) => labels[i] > 0.5).Max();
        var different = distances.Where((_, i) => labels[i] < 0.5).Min();
        Assert.That(same, Is.LessThan(different), $"every same pair closer than every different pair: max same {same}, min different {different}");
        Assert.That(MeanLoss(), Is.LessThan(first * 0.3), $"loss falls from {first}");
    }
}
