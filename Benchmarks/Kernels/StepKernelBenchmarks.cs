using BenchmarkDotNet.Attributes;
using ILGPU;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Measuring;

namespace IlgpuSiamese.Benchmarks.Kernels;

// The kernels that run once per step over the whole network or batch: Adam and the gradient fill over every
// parameter of a tower (keras: 19,890 with its head; flat: 426,544), and the image gather of a batch of
// 128 images out of 60,000 uploaded as bytes. They have no backward; their group is Forward.

/// <summary>AdamUpdate over every parameter of a tower, against the float64 Adam step.</summary>
public class AdamBenchmarks : KernelBenchmark
{
    private IlgpuSiamese.Kernels.Ops.Adam kernels = null!;
    private AdamShape shape;
    private ArrayView<float> w, m, v, g;
    private double[] hw = [], hm = [], hv = [], hg = [];

    [ParamsSource(nameof(Cases))]
    public string Tower { get; set; } = "";

    public static IEnumerable<string> Cases() => BenchmarkTowers.All;

    protected override void SetUp()
    {
        var length = KernelCases.ParameterCount(Tower);
        (w, hw) = Uniform(length, -0.1, 0.1);
        (g, hg) = Uniform(length, -0.01, 0.01);
        (m, hm) = Uniform(length, -0.001, 0.001);
        (v, hv) = Uniform(length, 0, 1e-5);
        shape = AdamShape.ForStep(length, AdamShape.DefaultLearningRate, AdamShape.DefaultBeta1, AdamShape.DefaultBeta2,
            AdamShape.DefaultEpsilon, step: 10);
        kernels = new IlgpuSiamese.Kernels.Ops.Adam(Accelerator);
    }

    protected override void WarmUp() => Update();

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Forward)]
    public void Reference() => AdamReference.Update(hw, hm, hv, hg, step: 10);

    [Benchmark, BenchmarkCategory(Category.Forward)]
    public void Update()
    {
        kernels.Update(w, m, v, g, shape);
        Sync();
    }
}

/// <summary>FillConstant zeroing every parameter gradient of a tower, against clearing a float64 array.</summary>
public class FillBenchmarks : KernelBenchmark
{
    private IlgpuSiamese.Kernels.Ops.Fill kernels = null!;
    private ArrayView<float> gradients;
    private double[] host = [];

    [ParamsSource(nameof(Cases))]
    public string Tower { get; set; } = "";

    public static IEnumerable<string> Cases() => BenchmarkTowers.All;

    protected override void SetUp()
    {
        (gradients, host) = Uniform(KernelCases.ParameterCount(Tower));
        kernels = new IlgpuSiamese.Kernels.Ops.Fill(Accelerator);
    }

    protected override void WarmUp() => Zero();

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Forward)]
    public void Reference() => Array.Clear(host);

    [Benchmark, BenchmarkCategory(Category.Forward)]
    public void Zero()
    {
        kernels.Zero(gradients);
        Sync();
    }
}

/// <summary>GatherImagesForward: 128 random images of 28×28 bytes out of 60,000 into a float batch.</summary>
public class GatherImagesBenchmarks : KernelBenchmark
{
    private IlgpuSiamese.Kernels.Ops.GatherImages kernels = null!;
    private GatherImagesShape shape;
    private ArrayView<float> batch;
    private ArrayView<byte> images;
    private ArrayView<int> indices;
    private byte[] hostImages = [];
    private int[] hostIndices = [];

    protected override void SetUp()
    {
        const int pixels = KernelCases.ImageSide * KernelCases.ImageSide;
        shape = new GatherImagesShape(KernelCases.Images, pixels);
        hostImages = new byte[(long)KernelCases.DatasetImages * pixels];
        new Random(7).NextBytes(hostImages);
        hostIndices = Enumerable.Range(0, KernelCases.Images).Select(_ => NextInt(KernelCases.DatasetImages)).ToArray();
        images = Bytes(hostImages);
        indices = Ints(hostIndices);
        batch = Zeros(shape.OutputLength);
        kernels = new IlgpuSiamese.Kernels.Ops.GatherImages(Accelerator);
    }

    protected override void WarmUp() => Forward();

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Forward)]
    public double[] Reference() => GatherImagesReference.Forward(hostImages, hostIndices, shape);

    [Benchmark, BenchmarkCategory(Category.Forward)]
    public void Forward()
    {
        kernels.Forward(batch, images, indices, shape);
        Sync();
    }
}
