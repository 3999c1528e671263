using BenchmarkDotNet.Attributes;
using ILGPU;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Network;
using IlgpuSiamese.Network.Layers;

namespace IlgpuSiamese.Benchmarks.Kernels;

/// <summary>One op at its training shape: the device's Forward and Backward, and the float64 reference of each.</summary>
public sealed record OpCase(Action Forward, Action Backward, Func<object> ReferenceForward, Func<object> ReferenceBackward);

/// <summary>
/// Every op of a training step through its one Forward and one Backward, at the training shape: every tower
/// layer over 128 images (64 pairs, both twins as one batch), the distance and the heads over 64 pairs
/// (embedding width 48, labels alternating 1, 0). Inputs to a layer are drawn in [0, 1) (images, or
/// activations after ReLU), gradients in [-1, 1). Parameter gradients accumulate (+=) across invocations,
/// which changes nothing in the work done. The heads' kernels are tiny: what they measure is mostly the cost
/// of a launch and a synchronization.
/// </summary>
public class OpBenchmarks : KernelBenchmark
{
    private OpCase op = null!;

    [ParamsSource(nameof(Cases))]
    public string Op { get; set; } = "";

    /// <summary>Every tower layer (flat.conv1, keras.pool2, ...), then the head ops.</summary>
    public static IEnumerable<string> Cases() =>
        KernelCases.Layers.Select(l => l.Name).Concat(["head.distance", "head.bce", "head.contrastive", "head.triplet"]);

    protected override void SetUp() => op = Op switch
    {
        "head.distance" => Distance(),
        "head.bce" => SigmoidBceHead(),
        "head.contrastive" => ContrastiveHead(),
        "head.triplet" => TripletHead(),
        _ => KernelCases.Layer(Op) switch
        {
            { Spec: ConvSpec } layer => Conv(layer),
            { Spec: DenseSpec } layer => Dense(layer),
            { Spec: MaxPoolSpec } layer => MaxPool(layer),
            { Spec: DropoutSpec } layer => Dropout(layer),
            { Spec: GlobalAvgPoolSpec } layer => GlobalAvgPool(layer),
            var layer => throw new NotSupportedException($"no benchmark for {layer.Spec}"),
        },
    };

    protected override void WarmUp()
    {
        Forward();
        Backward();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Forward)]
    public object ReferenceForward() => op.ReferenceForward();

    [Benchmark, BenchmarkCategory(Category.Forward)]
    public void Forward()
    {
        op.Forward();
        Sync();
    }

    [Benchmark(Baseline = true), BenchmarkCategory(Category.Backward)]
    public object ReferenceBackward() => op.ReferenceBackward();

    [Benchmark, BenchmarkCategory(Category.Backward)]
    public void Backward()
    {
        op.Backward();
        Sync();
    }

    private OpCase Conv(LayerCase layer)
    {
        var spec = (ConvSpec)layer.Spec;
        var s = new Conv2dShape(KernelCases.Images, layer.Input.Channels, layer.Input.Height, layer.Input.Width, spec.Filters, spec.Kernel, relu: true);
        var limit = Math.Sqrt(6.0 / (layer.Input.Channels + spec.Filters) / (spec.Kernel * spec.Kernel));
        var (x, hx) = Uniform(s.InputLength, 0, 1);
        var (w, hw) = Uniform(s.WeightLength, -limit, limit);
        var (b, hb) = Uniform(spec.Filters, -0.1, 0.1);
        var (dy, hdy) = Uniform(s.OutputLength);
        var (y, dx, dw, db) = (Zeros(s.OutputLength), layer.FirstLayer ? ArrayView<float>.Empty : Zeros(s.InputLength), Zeros(s.WeightLength), Zeros(spec.Filters));
        var col = Zeros(s.ColumnsLength);
        var hy = Conv2dReference.Forward(hx, hw, hb, s);
        var conv = Conv2d.On(Accelerator);
        var plan = conv.Plan(s);
        return new OpCase(() => conv.Forward(y, x, w, b, col, plan), () => conv.Backward(dx, dw, db, ConvOutputGradient.Of(dy, y), col, w, plan),
            () => Conv2dReference.Forward(hx, hw, hb, s), () => Conv2dReference.Backward(hdy, hy, hx, hw, s));
    }

    private OpCase Dense(LayerCase layer)
    {
        var spec = (DenseSpec)layer.Spec;
        var s = new DenseShape(KernelCases.Images, layer.Input.Length, spec.Units, spec.Relu);
        var limit = Math.Sqrt(6.0 / (layer.Input.Length + spec.Units));
        var (x, hx) = Uniform(s.InputLength, 0, 1);
        var (w, hw) = Uniform(s.WeightLength, -limit, limit);
        var (b, hb) = Uniform(spec.Units, -0.1, 0.1);
        var (dy, hdy) = Uniform(s.OutputLength);
        var (y, dx, dw, db) = (Zeros(s.OutputLength), Zeros(s.InputLength), Zeros(s.WeightLength), Zeros(spec.Units));
        var hy = DenseReference.Forward(hx, hw, hb, s);
        var dense = IlgpuSiamese.Kernels.Ops.Dense.On(Accelerator);
        return new OpCase(() => dense.Forward(y, x, w, b, s), () => dense.Backward(dx, dw, db, dy, x, y, w, s),
            () => DenseReference.Forward(hx, hw, hb, s), () => DenseReference.Backward(hdy, hy, hx, hw, s));
    }

    private OpCase MaxPool(LayerCase layer)
    {
        var s = new MaxPool2dShape(KernelCases.Images, layer.Input.Channels, layer.Input.Height, layer.Input.Width);
        var (x, hx) = Uniform(s.InputLength, 0, 1);
        var (dy, hdy) = Uniform(s.OutputLength);
        var (y, dx) = (Zeros(s.OutputLength), Zeros(s.InputLength));
        var hargmax = MaxPool2dReference.Forward(hx, s).Argmax;
        var argmax = Ints(hargmax);
        var pool = new MaxPool2d(Accelerator);
        return new OpCase(() => pool.Forward(y, argmax, x, s), () => pool.Backward(dx, dy, argmax, s),
            () => MaxPool2dReference.Forward(hx, s), () => MaxPool2dReference.Backward(hdy, hargmax, s));
    }

    private OpCase Dropout(LayerCase layer)
    {
        var s = new DropoutShape(KernelCases.Images * layer.Input.Length, ((DropoutSpec)layer.Spec).Rate, DropoutLayer.MaskSeed(42, 2), step: 1);
        var (x, hx) = Uniform(s.Length, 0, 1);
        var (dy, hdy) = Uniform(s.Length);
        var (y, dx) = (Zeros(s.Length), Zeros(s.Length));
        var dropout = new IlgpuSiamese.Kernels.Ops.Dropout(Accelerator);
        return new OpCase(() => dropout.Forward(y, x, s), () => dropout.Backward(dx, dy, s),
            () => DropoutReference.Forward(hx, s), () => DropoutReference.Backward(hdy, s));
    }

    private OpCase GlobalAvgPool(LayerCase layer)
    {
        var s = new GlobalAvgPoolShape(KernelCases.Images, layer.Input.Channels, layer.Input.Height, layer.Input.Width);
        var (x, hx) = Uniform(s.InputLength, 0, 1);
        var (dy, hdy) = Uniform(s.OutputLength);
        var (y, dx) = (Zeros(s.OutputLength), Zeros(s.InputLength));
        var pool = new IlgpuSiamese.Kernels.Ops.GlobalAvgPool(Accelerator);
        return new OpCase(() => pool.Forward(y, x, s), () => pool.Backward(dx, dy, s),
            () => GlobalAvgPoolReference.Forward(hx, s), () => GlobalAvgPoolReference.Backward(hdy, s));
    }

    private EuclideanDistanceShape PairShape => new(KernelCases.Pairs, KernelCases.EmbeddingSize(TowerSpec.KerasPreset));

    private OpCase Distance()
    {
        var s = PairShape;
        var (a, ha) = Uniform(s.InputLength);
        var (b, hb) = Uniform(s.InputLength);
        var (dd, hdd) = Uniform(s.Batch);
        var (d, da, db) = (Zeros(s.Batch), Zeros(s.InputLength), Zeros(s.InputLength));
        var distance = new EuclideanDistance(Accelerator);
        return new OpCase(() => distance.Forward(d, a, b, s), () => distance.Backward(da, db, dd, d, a, b, s),
            () => EuclideanDistanceReference.Forward(ha, hb, s), () => EuclideanDistanceReference.Backward(hdd, ha, hb, s));
    }

    private OpCase SigmoidBceHead()
    {
        var s = new SigmoidBceShape(KernelCases.Pairs);
        var (d, hd) = Uniform(s.Batch, 0, 2);
        var hy = Labels(s.Batch);
        var y = Upload(hy);
        const double headWeight = -1.2, headBias = 0.8;
        var (w, b) = (Upload([headWeight]), Upload([headBias]));
        var (p, loss, dd, dw, db) = (Zeros(s.Batch), Zeros(s.Batch), Zeros(s.Batch), Zeros(1), Zeros(1));
        var hp = SigmoidBceReference.Forward(hd, hy, headWeight, headBias, s).Probability;
        var bce = new SigmoidBce(Accelerator);
        return new OpCase(() => bce.Forward(p, loss, d, y, w, b, s), () => bce.Backward(dd, dw, db, p, d, y, w, s),
            () => SigmoidBceReference.Forward(hd, hy, headWeight, headBias, s), () => SigmoidBceReference.Backward(hp, hd, hy, headWeight, s));
    }

    private OpCase ContrastiveHead()
    {
        var s = new ContrastiveShape(KernelCases.Pairs, margin: 1f);
        var (d, hd) = Uniform(s.Batch, 0, 2);
        var hy = Labels(s.Batch);
        var y = Upload(hy);
        var (loss, dd) = (Zeros(s.Batch), Zeros(s.Batch));
        var contrastive = new ContrastiveLoss(Accelerator);
        return new OpCase(() => contrastive.Forward(loss, d, y, s), () => contrastive.Backward(dd, d, y, s),
            () => ContrastiveLossReference.Forward(hd, hy, s), () => ContrastiveLossReference.Backward(hd, hy, s));
    }

    private OpCase TripletHead()
    {
        var s = new TripletShape(KernelCases.Pairs, PairShape.Features, margin: 1f);
        var (a, ha) = Uniform(s.InputLength);
        var (p, hp) = Uniform(s.InputLength);
        var (q, hq) = Uniform(s.InputLength);
        var (loss, da, dp, dq) = (Zeros(s.Batch), Zeros(s.InputLength), Zeros(s.InputLength), Zeros(s.InputLength));
        var triplet = new TripletLoss(Accelerator);
        return new OpCase(() => triplet.Forward(loss, a, p, q, s), () => triplet.Backward(da, dp, dq, a, p, q, s),
            () => TripletLossReference.Forward(ha, hp, hq, s), () => TripletLossReference.Backward(ha, hp, hq, s));
    }
}
