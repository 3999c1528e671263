using BenchmarkDotNet.Attributes;
using ILGPU;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Network;

namespace IlgpuSiamese.Benchmarks.Kernels;

// The head at the training shape: 64 pairs, embeddings of the towers' size (48 in both). Labels alternate
// 1, 0. These kernels are tiny: what they measure is mostly the cost of a launch and a synchronization.

/// <summary>EuclideanDistanceForward and EuclideanDistanceBackward over 64 pairs of embeddings.</summary>
public class EuclideanDistanceBenchmarks : KernelBenchmark
{
    private EuclideanDistanceLaunchers kernels = null!;
    private EuclideanDistanceShape shape;
    private ArrayView<float> a, b, d, dd, da, db;
    private double[] ha = [], hb = [], hdd = [];

    protected override void SetUp()
    {
        shape = new EuclideanDistanceShape(KernelCases.Pairs, KernelCases.EmbeddingSize(TowerSpec.KerasPreset));
        (a, ha) = Uniform(shape.InputLength);
        (b, hb) = Uniform(shape.InputLength);
        (dd, hdd) = Uniform(shape.Batch);
        d = Zeros(shape.Batch);
        da = Zeros(shape.InputLength);
        db = Zeros(shape.InputLength);
        kernels = EuclideanDistanceLaunchers.On(Accelerator);
    }

    protected override void WarmUp()
    {
        Forward();
        Backward();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Forward)]
    public double[] ReferenceForward() => EuclideanDistanceReference.Forward(ha, hb, shape);

    [Benchmark, BenchmarkCategory(Category.Forward)]
    public void Forward()
    {
        kernels.Forward(d, a, b, shape);
        Sync();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Backward)]
    public double[] ReferenceBackward() => EuclideanDistanceReference.Backward(hdd, ha, hb, shape).DA;

    [Benchmark, BenchmarkCategory(Category.Backward)]
    public void Backward()
    {
        kernels.Backward(da, db, dd, d, a, b, shape);
        Sync();
    }
}

/// <summary>The original head (Dense 1→1, sigmoid, BCE): its forward and three backward kernels over 64 pairs.</summary>
public class SigmoidBceBenchmarks : KernelBenchmark
{
    private SigmoidBceLaunchers kernels = null!;
    private SigmoidBceShape shape;
    private ArrayView<float> d, y, w, bias, p, loss, dd, dw, db;
    private double[] hd = [], hy = [], hp = [];
    private const double HeadWeight = -0.8, HeadBias = 0.1;

    protected override void SetUp()
    {
        shape = new SigmoidBceShape(KernelCases.Pairs);
        (d, hd) = Uniform(shape.Batch, 0, 2);
        hy = Labels(shape.Batch);
        y = Upload(hy);
        w = Upload([HeadWeight]);
        bias = Upload([HeadBias]);
        p = Zeros(shape.Batch);
        loss = Zeros(shape.Batch);
        dd = Zeros(shape.Batch);
        dw = Zeros(1);
        db = Zeros(1);
        hp = SigmoidBceReference.Forward(hd, hy, HeadWeight, HeadBias, shape).Probability;
        kernels = SigmoidBceLaunchers.On(Accelerator);
    }

    protected override void WarmUp()
    {
        Forward();
        Backward();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Forward)]
    public double[] ReferenceForward() => SigmoidBceReference.Forward(hd, hy, HeadWeight, HeadBias, shape).Loss;

    [Benchmark, BenchmarkCategory(Category.Forward)]
    public void Forward()
    {
        kernels.Forward(p, loss, d, y, w, bias, shape);
        Sync();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Backward)]
    public double[] ReferenceBackward() => SigmoidBceReference.Backward(hp, hd, hy, HeadWeight, shape).DDistance;

    [Benchmark, BenchmarkCategory(Category.Backward)]
    public void Backward()
    {
        kernels.BackwardWeight(dw, p, d, y, shape);
        kernels.BackwardBias(db, p, y, shape);
        kernels.BackwardInput(dd, p, y, w, shape);
        Sync();
    }

    [Benchmark, BenchmarkCategory(Category.Backward)]
    public void BackwardInput()
    {
        kernels.BackwardInput(dd, p, y, w, shape);
        Sync();
    }

    [Benchmark, BenchmarkCategory(Category.Backward)]
    public void BackwardWeight()
    {
        kernels.BackwardWeight(dw, p, d, y, shape);
        Sync();
    }

    [Benchmark, BenchmarkCategory(Category.Backward)]
    public void BackwardBias()
    {
        kernels.BackwardBias(db, p, y, shape);
        Sync();
    }
}

/// <summary>ContrastiveLossForward and ContrastiveLossBackwardInput over 64 pair distances, margin 1.</summary>
public class ContrastiveLossBenchmarks : KernelBenchmark
{
    private ContrastiveLossLaunchers kernels = null!;
    private ContrastiveShape shape;
    private ArrayView<float> d, y, loss, dd;
    private double[] hd = [], hy = [];

    protected override void SetUp()
    {
        shape = new ContrastiveShape(KernelCases.Pairs, 1f);
        (d, hd) = Uniform(shape.Batch, 0, 2);
        hy = Labels(shape.Batch);
        y = Upload(hy);
        loss = Zeros(shape.Batch);
        dd = Zeros(shape.Batch);
        kernels = ContrastiveLossLaunchers.On(Accelerator);
    }

    protected override void WarmUp()
    {
        Forward();
        BackwardInput();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Forward)]
    public double[] ReferenceForward() => ContrastiveLossReference.Forward(hd, hy, shape);

    [Benchmark, BenchmarkCategory(Category.Forward)]
    public void Forward()
    {
        kernels.Forward(loss, d, y, shape);
        Sync();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Backward)]
    public double[] ReferenceBackward() => ContrastiveLossReference.Backward(hd, hy, shape);

    [Benchmark, BenchmarkCategory(Category.Backward)]
    public void BackwardInput()
    {
        kernels.BackwardInput(dd, d, y, shape);
        Sync();
    }
}

/// <summary>TripletLossForward and TripletLossBackwardInput over 64 triplets of embeddings, margin 1.</summary>
public class TripletLossBenchmarks : KernelBenchmark
{
    private TripletLossLaunchers kernels = null!;
    private TripletShape shape;
    private ArrayView<float> a, p, n, loss, da, dp, dn;
    private double[] ha = [], hp = [], hn = [];

    protected override void SetUp()
    {
        shape = new TripletShape(KernelCases.Pairs, KernelCases.EmbeddingSize(TowerSpec.KerasPreset), 1f);
        (a, ha) = Uniform(shape.InputLength);
        (p, hp) = Uniform(shape.InputLength);
        (n, hn) = Uniform(shape.InputLength);
        loss = Zeros(shape.Batch);
        da = Zeros(shape.InputLength);
        dp = Zeros(shape.InputLength);
        dn = Zeros(shape.InputLength);
        kernels = TripletLossLaunchers.On(Accelerator);
    }

    protected override void WarmUp()
    {
        Forward();
        BackwardInput();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Forward)]
    public double[] ReferenceForward() => TripletLossReference.Forward(ha, hp, hn, shape);

    [Benchmark, BenchmarkCategory(Category.Forward)]
    public void Forward()
    {
        kernels.Forward(loss, a, p, n, shape);
        Sync();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Backward)]
    public double[] ReferenceBackward() => TripletLossReference.Backward(ha, hp, hn, shape).DAnchor;

    [Benchmark, BenchmarkCategory(Category.Backward)]
    public void BackwardInput()
    {
        kernels.BackwardInput(da, dp, dn, a, p, n, shape);
        Sync();
    }
}
