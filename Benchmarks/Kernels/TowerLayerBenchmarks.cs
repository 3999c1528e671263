using BenchmarkDotNet.Attributes;
using ILGPU;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Network;
using IlgpuSiamese.Network.Layers;

namespace IlgpuSiamese.Benchmarks.Kernels;

// Every tower layer at the training shape: 128 images (64 pairs, both branches). Inputs to a layer are
// drawn in [0, 1) (images, or activations after ReLU); gradients from the loss in [-1, 1).
// "Backward" runs every backward kernel of the operation, as the float64 reference computes every
// gradient at once; the single kernels follow it. Parameter gradients accumulate (+=) across invocations,
// which changes nothing in the work done.

/// <summary>Conv2dForward and its three backward kernels, on every conv layer of both towers.</summary>
public class Conv2dBenchmarks : KernelBenchmark
{
    private Conv2dLaunchers kernels = null!;
    private Conv2dShape shape;
    private ArrayView<float> x, w, b, y, dy, dx, dw, db;
    private double[] hx = [], hw = [], hb = [], hy = [], hdy = [];

    [ParamsSource(nameof(Cases))]
    public string Layer { get; set; } = "";

    public static IEnumerable<string> Cases() => KernelCases.NamesOf<ConvSpec>();

    protected override void SetUp()
    {
        var layer = KernelCases.Layer(Layer);
        var spec = (ConvSpec)layer.Spec;
        shape = new Conv2dShape(KernelCases.Images, layer.Input.Channels, layer.Input.Height, layer.Input.Width, spec.Filters, spec.Kernel, relu: true);
        var limit = Math.Sqrt(6.0 / (layer.Input.Channels + spec.Filters) / (spec.Kernel * spec.Kernel));
        (x, hx) = Uniform(shape.InputLength, 0, 1);
        (w, hw) = Uniform(shape.WeightLength, -limit, limit);
        (b, hb) = Uniform(spec.Filters, -0.1, 0.1);
        (dy, hdy) = Uniform(shape.OutputLength);
        y = Zeros(shape.OutputLength);
        dx = Zeros(shape.InputLength);
        dw = Zeros(shape.WeightLength);
        db = Zeros(spec.Filters);
        kernels = Conv2dLaunchers.On(Accelerator);
        hy = Conv2dReference.Forward(hx, hw, hb, shape);
    }

    protected override void WarmUp()
    {
        Forward();
        Backward();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Forward)]
    public double[] ReferenceForward() => Conv2dReference.Forward(hx, hw, hb, shape);

    [Benchmark, BenchmarkCategory(Category.Forward)]
    public void Forward()
    {
        kernels.Forward(y, x, w, b, shape);
        Sync();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Backward)]
    public double[] ReferenceBackward() => Conv2dReference.Backward(hdy, hy, hx, hw, shape).DWeight;

    [Benchmark, BenchmarkCategory(Category.Backward)]
    public void Backward()
    {
        kernels.BackwardWeight(dw, dy, y, x, shape);
        kernels.BackwardBias(db, dy, y, shape);
        kernels.BackwardInput(dx, dy, y, w, shape);
        Sync();
    }

    [Benchmark, BenchmarkCategory(Category.Backward)]
    public void BackwardInput()
    {
        kernels.BackwardInput(dx, dy, y, w, shape);
        Sync();
    }

    [Benchmark, BenchmarkCategory(Category.Backward)]
    public void BackwardWeight()
    {
        kernels.BackwardWeight(dw, dy, y, x, shape);
        Sync();
    }

    [Benchmark, BenchmarkCategory(Category.Backward)]
    public void BackwardBias()
    {
        kernels.BackwardBias(db, dy, y, shape);
        Sync();
    }
}

/// <summary>DenseForward and its three backward kernels, on every dense layer of both towers.</summary>
public class DenseBenchmarks : KernelBenchmark
{
    private DenseLaunchers kernels = null!;
    private DenseShape shape;
    private ArrayView<float> x, w, b, y, dy, dx, dw, db;
    private double[] hx = [], hw = [], hb = [], hy = [], hdy = [];

    [ParamsSource(nameof(Cases))]
    public string Layer { get; set; } = "";

    public static IEnumerable<string> Cases() => KernelCases.NamesOf<DenseSpec>();

    protected override void SetUp()
    {
        var layer = KernelCases.Layer(Layer);
        var spec = (DenseSpec)layer.Spec;
        shape = new DenseShape(KernelCases.Images, layer.Input.Length, spec.Units, spec.Relu);
        var limit = Math.Sqrt(6.0 / (layer.Input.Length + spec.Units));
        (x, hx) = Uniform(shape.InputLength, 0, 1);
        (w, hw) = Uniform(shape.WeightLength, -limit, limit);
        (b, hb) = Uniform(spec.Units, -0.1, 0.1);
        (dy, hdy) = Uniform(shape.OutputLength);
        y = Zeros(shape.OutputLength);
        dx = Zeros(shape.InputLength);
        dw = Zeros(shape.WeightLength);
        db = Zeros(spec.Units);
        kernels = DenseLaunchers.On(Accelerator);
        hy = DenseReference.Forward(hx, hw, hb, shape);
    }

    protected override void WarmUp()
    {
        Forward();
        Backward();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Forward)]
    public double[] ReferenceForward() => DenseReference.Forward(hx, hw, hb, shape);

    [Benchmark, BenchmarkCategory(Category.Forward)]
    public void Forward()
    {
        kernels.Forward(y, x, w, b, shape);
        Sync();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Backward)]
    public double[] ReferenceBackward() => DenseReference.Backward(hdy, hy, hx, hw, shape).DWeight;

    [Benchmark, BenchmarkCategory(Category.Backward)]
    public void Backward()
    {
        kernels.BackwardWeight(dw, dy, y, x, shape);
        kernels.BackwardBias(db, dy, y, shape);
        kernels.BackwardInput(dx, dy, y, w, shape);
        Sync();
    }

    [Benchmark, BenchmarkCategory(Category.Backward)]
    public void BackwardInput()
    {
        kernels.BackwardInput(dx, dy, y, w, shape);
        Sync();
    }

    [Benchmark, BenchmarkCategory(Category.Backward)]
    public void BackwardWeight()
    {
        kernels.BackwardWeight(dw, dy, y, x, shape);
        Sync();
    }

    [Benchmark, BenchmarkCategory(Category.Backward)]
    public void BackwardBias()
    {
        kernels.BackwardBias(db, dy, y, shape);
        Sync();
    }
}

/// <summary>MaxPool2dForward (with its argmax) and MaxPool2dBackwardInput, on every pooling layer of both towers.</summary>
public class MaxPool2dBenchmarks : KernelBenchmark
{
    private MaxPool2dLaunchers kernels = null!;
    private MaxPool2dShape shape;
    private ArrayView<float> x, y, dy, dx;
    private ArrayView<int> argmax;
    private double[] hx = [], hdy = [];
    private int[] hargmax = [];

    [ParamsSource(nameof(Cases))]
    public string Layer { get; set; } = "";

    public static IEnumerable<string> Cases() => KernelCases.NamesOf<MaxPoolSpec>();

    protected override void SetUp()
    {
        var layer = KernelCases.Layer(Layer);
        shape = new MaxPool2dShape(KernelCases.Images, layer.Input.Channels, layer.Input.Height, layer.Input.Width);
        (x, hx) = Uniform(shape.InputLength, 0, 1);
        (dy, hdy) = Uniform(shape.OutputLength);
        y = Zeros(shape.OutputLength);
        dx = Zeros(shape.InputLength);
        hargmax = MaxPool2dReference.Forward(hx, shape).Argmax;
        argmax = Ints(hargmax);
        kernels = MaxPool2dLaunchers.On(Accelerator);
    }

    protected override void WarmUp()
    {
        Forward();
        BackwardInput();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Forward)]
    public double[] ReferenceForward() => MaxPool2dReference.Forward(hx, shape).Output;

    [Benchmark, BenchmarkCategory(Category.Forward)]
    public void Forward()
    {
        kernels.Forward(y, argmax, x, shape);
        Sync();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Backward)]
    public double[] ReferenceBackward() => MaxPool2dReference.Backward(hdy, hargmax, shape);

    [Benchmark, BenchmarkCategory(Category.Backward)]
    public void BackwardInput()
    {
        kernels.BackwardInput(dx, dy, argmax, shape);
        Sync();
    }
}

/// <summary>DropoutForward and DropoutBackwardInput (the mask recomputed from its seed), on every dropout layer (keras).</summary>
public class DropoutBenchmarks : KernelBenchmark
{
    private DropoutLaunchers kernels = null!;
    private DropoutShape shape;
    private ArrayView<float> x, y, dy, dx;
    private double[] hx = [], hdy = [];

    [ParamsSource(nameof(Cases))]
    public string Layer { get; set; } = "";

    public static IEnumerable<string> Cases() => KernelCases.NamesOf<DropoutSpec>();

    protected override void SetUp()
    {
        var layer = KernelCases.Layer(Layer);
        var spec = (DropoutSpec)layer.Spec;
        shape = new DropoutShape(KernelCases.Images * layer.Input.Length, spec.Rate, DropoutLayer.MaskSeed(42, 2, 0), step: 1);
        (x, hx) = Uniform(shape.Length, 0, 1);
        (dy, hdy) = Uniform(shape.Length);
        y = Zeros(shape.Length);
        dx = Zeros(shape.Length);
        kernels = DropoutLaunchers.On(Accelerator);
    }

    protected override void WarmUp()
    {
        Forward();
        BackwardInput();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Forward)]
    public double[] ReferenceForward() => DropoutReference.Forward(hx, shape);

    [Benchmark, BenchmarkCategory(Category.Forward)]
    public void Forward()
    {
        kernels.Forward(y, x, shape);
        Sync();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Backward)]
    public double[] ReferenceBackward() => DropoutReference.Backward(hdy, shape);

    [Benchmark, BenchmarkCategory(Category.Backward)]
    public void BackwardInput()
    {
        kernels.BackwardInput(dx, dy, shape);
        Sync();
    }
}

/// <summary>GlobalAvgPoolForward and GlobalAvgPoolBackwardInput, on the global pooling layer (keras).</summary>
public class GlobalAvgPoolBenchmarks : KernelBenchmark
{
    private GlobalAvgPoolLaunchers kernels = null!;
    private GlobalAvgPoolShape shape;
    private ArrayView<float> x, y, dy, dx;
    private double[] hx = [], hdy = [];

    [ParamsSource(nameof(Cases))]
    public string Layer { get; set; } = "";

    public static IEnumerable<string> Cases() => KernelCases.NamesOf<GlobalAvgPoolSpec>();

    protected override void SetUp()
    {
        var layer = KernelCases.Layer(Layer);
        shape = new GlobalAvgPoolShape(KernelCases.Images, layer.Input.Channels, layer.Input.Height, layer.Input.Width);
        (x, hx) = Uniform(shape.InputLength, 0, 1);
        (dy, hdy) = Uniform(shape.OutputLength);
        y = Zeros(shape.OutputLength);
        dx = Zeros(shape.InputLength);
        kernels = GlobalAvgPoolLaunchers.On(Accelerator);
    }

    protected override void WarmUp()
    {
        Forward();
        BackwardInput();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Forward)]
    public double[] ReferenceForward() => GlobalAvgPoolReference.Forward(hx, shape);

    [Benchmark, BenchmarkCategory(Category.Forward)]
    public void Forward()
    {
        kernels.Forward(y, x, shape);
        Sync();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Backward)]
    public double[] ReferenceBackward() => GlobalAvgPoolReference.Backward(hdy, shape);

    [Benchmark, BenchmarkCategory(Category.Backward)]
    public void BackwardInput()
    {
        kernels.BackwardInput(dx, dy, shape);
        Sync();
    }
}
