using ILGPU;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Oracle.Checks;

/// <summary>
/// One op's kernels against its float64 reference on a device: each comparison names one output. <paramref name="Path"/>
/// names the paths the op's plan takes on a device (none for an op with one way to run).
/// </summary>
public sealed record KernelCheck(string Op, Func<ComputeDevice, Random, IEnumerable<Comparison>> Run, Func<ComputeDevice, string>? Path = null)
{
    public string PathOn(ComputeDevice device) => Path?.Invoke(device) ?? "-";
}

/// <summary>
/// Every op's Forward and Backward on a device against its float64 reference: fresh random float32 inputs,
/// outputs poisoned with NaN before the launch, parameter gradients checked as accumulated (+=) onto random
/// values already there. Shared by the NUnit kernel tests and <c>siamese selftest</c>; shapes are the
/// towers' small and odd ones (a mined batch of 4 classes x 3 images, a t-SNE map of 37 points), so a check
/// takes milliseconds once its kernels are compiled.
/// </summary>
public static partial class KernelChecks
{
    public static IReadOnlyList<KernelCheck> All { get; } =
    [
        new("Fill", (device, random) => Fill(device, random, length: 1031)),
        new("GatherImages", (device, random) => GatherImages(device, random, count: 23, new GatherImagesShape(batch: 17, pixels: 31))),
        new("Augment", (device, random) => Augment(device, random, count: 11,
            new AugmentShape(batch: 7, height: 9, width: 8, seed: (uint)random.Next(), epoch: random.Next(1000), AugmentRanges.Default))),
        GemmCheck("Gemm", GemmShape.Product(m: 13, n: 37, k: 29).TransposedA()),
        GemmCheck("Gemm, long K accumulated", GemmShape.Product(m: 3, n: 5, k: 2 * GemmPlan.KSliceLength + 9).Accumulating()),
        Conv2dCheck("Conv2d", new Conv2dShape(batch: 3, inChannels: 5, height: 7, width: 6, outChannels: 8, kernel: 3, relu: true)),
        Conv2dCheck("Conv2d, 9 input channels", new Conv2dShape(batch: 3, inChannels: 9, height: 7, width: 6, outChannels: 8, kernel: 3, relu: true)),
        Conv2dCheck("Conv2d, a pair of images", new Conv2dShape(batch: 2, inChannels: 3, height: 7, width: 6, outChannels: 9, kernel: 3, relu: true)),
        Conv2dCheck("Conv2d 2x2 (keras)", new Conv2dShape(batch: 2, inChannels: 1, height: 8, width: 7, outChannels: 6, kernel: 2, relu: true)),
        Conv2dCheck("Conv2d + MaxPool2d backward", new Conv2dShape(batch: 3, inChannels: 1, height: 10, width: 9, outChannels: 5, kernel: 3, relu: true),
            pooled: true),
        Conv2dCheck("Conv2d, 18 taps + MaxPool2d backward", new Conv2dShape(batch: 2, inChannels: 2, height: 6, width: 7, outChannels: 5, kernel: 3, relu: true),
            pooled: true),
        new("MaxPool2d", (device, random) => MaxPool2d(device, random, new MaxPool2dShape(batch: 3, channels: 4, height: 7, width: 6))),
        new("Dropout", (device, random) => Dropout(device, random,
            new DropoutShape(length: 1000, rate: 0.3f, seed: (uint)random.Next(), step: random.Next(1000)))),
        new("Dropout, rate 0", (device, random) => Dropout(device, random,
            new DropoutShape(length: 1000, rate: 0f, seed: (uint)random.Next(), step: random.Next(1000)))),
        new("GlobalAvgPool", (device, random) => GlobalAvgPool(device, random, new GlobalAvgPoolShape(batch: 3, channels: 10, height: 7, width: 7))),
        DenseCheck("Dense", new DenseShape(batch: 9, inputs: 37, outputs: 19, relu: true)),
        new("EuclideanDistance", (device, random) => EuclideanDistance(device, random, new EuclideanDistanceShape(batch: 9, features: 13))),
        new("SigmoidBce", (device, random) => SigmoidBce(device, random, new SigmoidBceShape(batch: 16))),
        new("ContrastiveLoss", (device, random) => ContrastiveLoss(device, random, new ContrastiveShape(batch: 16, margin: 1.25f))),
        new("TripletLoss", (device, random) => TripletLoss(device, random, new TripletShape(batch: 8, features: 13, margin: 0.5f))),
        new("Adam", (device, random) => Adam(device, random, length: 1031)),
        .. Enum.GetValues<MinedLossKind>().Select(kind => MinedLossCheck(kind, classes: 4, perClass: 3, features: 13)),
        TsneCheck("Tsne, per point", new TsneCase(Count: 37, Dimensions: 7, Perplexity: 8, TsnePath.Points)),
        TsneCheck("Tsne, blocks of 16", new TsneCase(Count: 37, Dimensions: 7, Perplexity: 8, TsnePath.Blocks16)),
    ];

    private static KernelCheck GemmCheck(string op, GemmShape s) =>
        new(op, (device, random) => Gemm(device, random, GemmPlan.For(device.Info, s)), device => GemmPlan.For(device.Info, s).Name);

    /// <summary>A conv's check by the device's plan (through a max-pool where <paramref name="pooled"/>: then the backward alone).</summary>
    private static KernelCheck Conv2dCheck(string op, Conv2dShape s, bool pooled = false) =>
        new(op, (device, random) => pooled
                ? Conv2dThroughMaxPool(device, random, Conv2dPlan.For(device.Info, s, pooled: true))
                : Conv2d(device, random, Conv2dPlan.For(device.Info, s)),
            device => pooled ? Conv2dPlan.For(device.Info, s, pooled: true).BackwardName(inputGradient: true) : Conv2dPlan.For(device.Info, s).ToString());

    private static KernelCheck DenseCheck(string op, DenseShape s) =>
        new(op, (device, random) => Dense(device, random, s), device =>
        {
            var plan = DensePlan.For(device.Info, s);
            return $"forward {plan.ForwardName}; {plan.BackwardName(inputGradient: true)}";
        });

    /// <summary>Zero, then a constant, over a poisoned buffer: every element written.</summary>
    public static IEnumerable<Comparison> Fill(ComputeDevice device, Random random, int length)
    {
        using var buffers = new DeviceBuffers(device);
        var fill = new Fill(device);
        var output = buffers.Poisoned(length);
        fill.Zero(output);
        var zero = Comparison.Of("zero", buffers.Read(output), new double[length], atol: 0, rtol: 0);
        var value = (float)random.UniformFloat(1)[0];
        fill.Constant(output, value);
        return [zero, Comparison.Of("constant", buffers.Read(output), Enumerable.Repeat((double)value, length).ToArray(), atol: 0, rtol: 0)];
    }

    public static IEnumerable<Comparison> GatherImages(ComputeDevice device, Random random, int count, GatherImagesShape s)
    {
        var images = new byte[count * s.Pixels];
        random.NextBytes(images);
        var indices = Enumerable.Range(0, s.Batch).Select(_ => random.Next(count)).ToArray();
        using var buffers = new DeviceBuffers(device);
        var output = buffers.Poisoned(s.OutputLength);
        new GatherImages(device).Forward(output, buffers.UploadBytes(images), buffers.UploadInt(indices), s);
        return [Comparison.Of("batch", buffers.Read(output), GatherImagesReference.Forward(images, indices, s), atol: 0, rtol: 1e-6)];
    }

    /// <summary>
    /// Each augmentation kernel on random inputs and random per-image parameters (every stroke change, blur and noise
    /// strong enough to clamp), then the whole pipeline with parameters drawn from the shape's seed and epoch.
    /// </summary>
    public static IEnumerable<Comparison> Augment(ComputeDevice device, Random random, int count, AugmentShape s)
    {
        var images = new byte[count * s.Pixels];
        random.NextBytes(images);
        var indices = Enumerable.Range(0, s.Batch).Select(_ => random.Next(count)).ToArray();
        var parameters = RandomAugmentParameters(random, s.Batch);
        var input = random.UniformFloat(s.OutputLength, 0, 1);
        using var buffers = new DeviceBuffers(device);
        var augment = new Augment(device);
        var imageView = buffers.UploadBytes(images);
        var indexView = buffers.UploadInt(indices);
        var parameterView = buffers.Upload(parameters);
        var inputView = buffers.Upload(input);
        var drawn = buffers.Poisoned(s.ParametersLength);
        augment.Parameters(drawn, indexView, s);
        var warped = buffers.Poisoned(s.OutputLength);
        augment.Warp(warped, imageView, indexView, parameterView, s);
        var morphed = buffers.Poisoned(s.OutputLength);
        augment.Morph(morphed, inputView, parameterView, s);
        var blurred = buffers.Poisoned(s.OutputLength);
        augment.BlurNoise(blurred, inputView, indexView, parameterView, s);
        var (batch, scratch, pipelineParameters) = (buffers.Poisoned(s.OutputLength), buffers.Poisoned(s.OutputLength), buffers.Poisoned(s.ParametersLength));
        augment.Forward(batch, scratch, pipelineParameters, imageView, indexView, s);
        return
        [
            Comparison.Of("parameters", buffers.Read(drawn), AugmentReference.Parameters(indices, s), atol: 1e-6, rtol: 1e-5),
            Comparison.Of("warp", buffers.Read(warped), AugmentReference.Warp(images, indices, parameters, s)),
            Comparison.Of("morph", buffers.Read(morphed), AugmentReference.Morph(input, parameters, s), atol: 0, rtol: 0),
            Comparison.Of("blur + noise", buffers.Read(blurred), AugmentReference.BlurNoise(input, indices, parameters, s)),
            Comparison.Of("pipeline", buffers.Read(batch), AugmentReference.Forward(images, indices, s)),
        ];
    }

    /// <summary>Per-image parameters, (ParameterCount, N), beyond the default ranges: ±0.6 rad, scale 0.8-1.25, shift ±3, strong blur and noise.</summary>
    private static double[] RandomAugmentParameters(Random random, int batch)
    {
        var parameters = new double[AugmentParameter.Count * batch];
        for (var n = 0; n < batch; n++)
        {
            var angle = 1.2 * random.NextDouble() - 0.6;
            var scale = 0.8 + 0.45 * random.NextDouble();
            void Set(int row, double value) => parameters[row * batch + n] = (float)value;
            Set(AugmentParameter.InverseCos, Math.Cos(angle) / scale);
            Set(AugmentParameter.InverseSin, Math.Sin(angle) / scale);
            Set(AugmentParameter.ShiftX, 6 * random.NextDouble() - 3);
            Set(AugmentParameter.ShiftY, 6 * random.NextDouble() - 3);
            Set(AugmentParameter.Morph, n % 3 - 1);
            Set(AugmentParameter.BlurWeight, 0.7 * random.NextDouble());
            Set(AugmentParameter.NoiseSd, 0.2 * random.NextDouble());
        }
        return parameters;
    }

    /// <summary>The product by the plan's path against the float64 product (C poisoned, or accumulated onto random values), and a transpose.</summary>
    public static IEnumerable<Comparison> Gemm(ComputeDevice device, Random random, GemmPlan plan)
    {
        var s = plan.Shape;
        var (m, n, k) = (s.M, s.N, s.K);
        var accumulate = s.Epilogue == (int)GemmEpilogue.Accumulate;
        if (s.Epilogue is not ((int)GemmEpilogue.Store or (int)GemmEpilogue.Accumulate) || s.CColStride != 1 || s.CRowStride != n || s.Ldb != n)
            throw new ArgumentException($"the check takes a row-major C, stored or accumulated; {s}", nameof(plan));
        var a = random.UniformFloat(m * k);
        var b = random.UniformFloat(k * n);
        var before = accumulate ? random.UniformFloat(m * n) : new double[m * n];
        var expected = new double[m * n];
        for (var r = 0; r < m; r++)
            for (var j = 0; j < n; j++)
            {
                var sum = before[r * n + j];
                for (var i = 0; i < k; i++)
                    sum += a[r * s.ARowStride + i * s.AColStride] * b[i * n + j];
                expected[r * n + j] = sum;
            }
        using var buffers = new DeviceBuffers(device);
        using var gemm = new Gemm(device);
        var c = accumulate ? buffers.Upload(before) : buffers.Poisoned(m * n);
        gemm.Run(c, buffers.Upload(a), buffers.Upload(b), c, plan);
        // A float sum of k products of size ~1/3 near 0 is off by about k·2⁻²⁴ at worst.
        var product = Comparison.Of("C", buffers.Read(c), expected, atol: Comparison.DefaultAtol + 1e-7 * k);
        var (rows, columns) = (17, 40);
        var x = random.UniformFloat(rows * columns);
        var y = buffers.Poisoned(rows * columns);
        gemm.Transpose(y, buffers.Upload(x), new TransposeShape(rows, columns));
        var transposed = new double[rows * columns];
        for (var r = 0; r < rows; r++)
            for (var j = 0; j < columns; j++)
                transposed[j * rows + r] = x[r * columns + j];
        return [product, Comparison.Of("transposed", buffers.Read(y), transposed, atol: 0, rtol: 0)];
    }

    /// <summary>The training forward and backward, then inference, each by the plan's paths.</summary>
    public static IEnumerable<Comparison> Conv2d(ComputeDevice device, Random random, Conv2dPlan plan)
    {
        var s = plan.Shape;
        var conv = global::IlgpuSiamese.Kernels.Ops.Conv2d.On(device);
        using var columns = new DeviceBuffers(device);
        var col = columns.Poisoned(s.ColumnsLength);
        var training = WeightedOp(device, random, (s.InputLength, s.WeightLength, s.OutChannels, s.OutputLength),
            (y, x, w, b) => conv.Forward(y, x, w, b, col, plan), (dx, dw, db, dy, _, y, w) => conv.Backward(dx, dw, db, ConvOutputGradient.Of(dy, y), col, w, plan),
            (x, w, b) => Conv2dReference.Forward(x, w, b, s), (dy, y, x, w) => Conv2dReference.Backward(dy, y, x, w, s));
        return [.. training, Conv2dInference(conv, device, random, plan)];
    }

    /// <summary>The forward without a backward (<see cref="Conv2d.Infer"/>, by the plan's inference path), on fresh inputs.</summary>
    private static Comparison Conv2dInference(global::IlgpuSiamese.Kernels.Ops.Conv2d conv, ComputeDevice device, Random random, Conv2dPlan plan)
    {
        var s = plan.Shape;
        var (x, w, b) = (random.UniformFloat(s.InputLength), random.UniformFloat(s.WeightLength), random.UniformFloat(s.OutChannels));
        using var buffers = new DeviceBuffers(device);
        var y = buffers.Poisoned(s.OutputLength);
        conv.Infer(y, buffers.Upload(x), buffers.Upload(w), buffers.Upload(b),
            buffers.Poisoned(s.ColumnsLength), plan);
        return Comparison.Of("inference forward", buffers.Read(y), Conv2dReference.Forward(x, w, b, s));
    }

    /// <summary>
    /// A conv followed by a 2×2 max-pool, as in the towers: the conv's backward starts from the pool's gradient,
    /// output and argmax. The reference is the conv's backward of the pool's backward, at the argmax the device
    /// chose (a near tie could otherwise pick another position); dWeight and dBias accumulate onto random values.
    /// </summary>
    public static IEnumerable<Comparison> Conv2dThroughMaxPool(ComputeDevice device, Random random, Conv2dPlan plan)
    {
        var s = plan.Shape;
        var pool = new MaxPool2dShape(s.Batch, s.OutChannels, s.Height, s.Width);
        var (x, w, b) = (random.UniformFloat(s.InputLength), random.UniformFloat(s.WeightLength), random.UniformFloat(s.OutChannels));
        var dPooled = random.UniformFloat(pool.OutputLength);
        var (dwBefore, dbBefore) = (random.UniformFloat(s.WeightLength), random.UniformFloat(s.OutChannels));
        using var buffers = new DeviceBuffers(device);
        var conv = global::IlgpuSiamese.Kernels.Ops.Conv2d.On(device);
        var (y, col) = (buffers.Poisoned(s.OutputLength), buffers.Poisoned(s.ColumnsLength));
        var (pooled, argmax) = (buffers.Poisoned(pool.OutputLength), buffers.PoisonedInt(pool.OutputLength));
        var (dx, dw, db) = (buffers.Poisoned(s.InputLength), buffers.Upload(dwBefore), buffers.Upload(dbBefore));
        var wDevice = buffers.Upload(w);
        conv.Forward(y, buffers.Upload(x), wDevice, buffers.Upload(b), col, plan);
        new MaxPool2d(device).Forward(pooled, argmax, y, pool);
        conv.Backward(dx, dw, db, ConvOutputGradient.ThroughMaxPool(buffers.Upload(dPooled), pooled, argmax), col, wDevice, plan);

        var yReference = Conv2dReference.Forward(x, w, b, s);
        var dy = MaxPool2dReference.Backward(dPooled, buffers.Read(argmax), pool);
        var (dxReference, dwReference, dbReference) = Conv2dReference.Backward(dy, yReference, x, w, s);
        return
        [
            Comparison.Of("dInput", buffers.Read(dx), dxReference),
            Comparison.Of("dWeight (accumulated)", buffers.Read(dw), dwReference.Plus(dwBefore)),
            Comparison.Of("dBias (accumulated)", buffers.Read(db), dbReference.Plus(dbBefore)),
        ];
    }

    public static IEnumerable<Comparison> Dense(ComputeDevice device, Random random, DenseShape s)
    {
        var dense = global::IlgpuSiamese.Kernels.Ops.Dense.On(device);
        return WeightedOp(device, random, (s.InputLength, s.WeightLength, s.Outputs, s.OutputLength),
            (y, x, w, b) => dense.Forward(y, x, w, b, s), (dx, dw, db, dy, x, y, w) => dense.Backward(dx, dw, db, dy, x, y, w, s),
            (x, w, b) => DenseReference.Forward(x, w, b, s), (dy, y, x, w) => DenseReference.Backward(dy, y, x, w, s));
    }

    /// <summary>
    /// An op with a weight and a bias (conv, dense): the forward into a poisoned output, then one Backward into a
    /// poisoned dInput and into dWeight and dBias that already hold values (they must accumulate). The backward
    /// reads the float32 forward output (for the ReLU mask), as in training.
    /// </summary>
    private static IEnumerable<Comparison> WeightedOp(ComputeDevice device, Random random, (int Input, int Weight, int Bias, int Output) length,
        Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> forward,
        Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> backward,
        Func<double[], double[], double[], double[]> referenceForward,
        Func<double[], double[], double[], double[], (double[] DInput, double[] DWeight, double[] DBias)> referenceBackward)
    {
        var x = random.UniformFloat(length.Input);
        var w = random.UniformFloat(length.Weight);
        var b = random.UniformFloat(length.Bias);
        var dy = random.UniformFloat(length.Output);
        var dwBefore = random.UniformFloat(length.Weight);
        var dbBefore = random.UniformFloat(length.Bias);
        var y = referenceForward(x, w, b);
        var (dx, dw, db) = referenceBackward(dy, y, x, w);

        using var buffers = new DeviceBuffers(device);
        var yDevice = buffers.Poisoned(length.Output);
        var dxDevice = buffers.Poisoned(length.Input);
        var dwDevice = buffers.Upload(dwBefore);
        var dbDevice = buffers.Upload(dbBefore);
        var xDevice = buffers.Upload(x);
        var wDevice = buffers.Upload(w);
        forward(yDevice, xDevice, wDevice, buffers.Upload(b));
        var forwardComparison = Comparison.Of("forward", buffers.Read(yDevice), y);
        backward(dxDevice, dwDevice, dbDevice, buffers.Upload(dy), xDevice, yDevice, wDevice);
        return
        [
            forwardComparison,
            Comparison.Of("dInput", buffers.Read(dxDevice), dx),
            Comparison.Of("dWeight (accumulated)", buffers.Read(dwDevice), dw.Plus(dwBefore)),
            Comparison.Of("dBias (accumulated)", buffers.Read(dbDevice), db.Plus(dbBefore)),
        ];
    }

    public static IEnumerable<Comparison> MaxPool2d(ComputeDevice device, Random random, MaxPool2dShape s)
    {
        var x = random.UniformFloat(s.InputLength);
        var dy = random.UniformFloat(s.OutputLength);
        var (y, argmax) = MaxPool2dReference.Forward(x, s);
        var dx = MaxPool2dReference.Backward(dy, argmax, s);
        using var buffers = new DeviceBuffers(device);
        var pool = new MaxPool2d(device);
        var yDevice = buffers.Poisoned(s.OutputLength);
        var argmaxDevice = buffers.PoisonedInt(s.OutputLength);
        var dxDevice = buffers.Poisoned(s.InputLength);
        pool.Forward(yDevice, argmaxDevice, buffers.Upload(x), s);
        var forward = Comparison.Of("forward", buffers.Read(yDevice), y);
        var argmaxComparison = Comparison.Exact("argmax", buffers.Read(argmaxDevice), argmax);
        pool.Backward(dxDevice, buffers.Upload(dy), argmaxDevice, s);
        return [forward, argmaxComparison, Comparison.Of("dInput", buffers.Read(dxDevice), dx)];
    }

    public static IEnumerable<Comparison> Dropout(ComputeDevice device, Random random, DropoutShape s)
    {
        var x = random.UniformFloat(s.Length);
        var dy = random.UniformFloat(s.Length);
        using var buffers = new DeviceBuffers(device);
        var dropout = new Dropout(device);
        var yDevice = buffers.Poisoned(s.Length);
        var dxDevice = buffers.Poisoned(s.Length);
        dropout.Forward(yDevice, buffers.Upload(x), s);
        dropout.Backward(dxDevice, buffers.Upload(dy), s);
        return
        [
            Comparison.Of("forward", buffers.Read(yDevice), DropoutReference.Forward(x, s)),
            Comparison.Of("dInput", buffers.Read(dxDevice), DropoutReference.Backward(dy, s)),
        ];
    }

    public static IEnumerable<Comparison> GlobalAvgPool(ComputeDevice device, Random random, GlobalAvgPoolShape s)
    {
        var x = random.UniformFloat(s.InputLength);
        var dy = random.UniformFloat(s.OutputLength);
        using var buffers = new DeviceBuffers(device);
        var pool = new GlobalAvgPool(device);
        var yDevice = buffers.Poisoned(s.OutputLength);
        var dxDevice = buffers.Poisoned(s.InputLength);
        pool.Forward(yDevice, buffers.Upload(x), s);
        pool.Backward(dxDevice, buffers.Upload(dy), s);
        return
        [
            Comparison.Of("forward", buffers.Read(yDevice), GlobalAvgPoolReference.Forward(x, s)),
            Comparison.Of("dInput", buffers.Read(dxDevice), GlobalAvgPoolReference.Backward(dy, s)),
        ];
    }

    /// <summary>Random rows plus one where a == b, under the distance's floor (no gradient may reach it).</summary>
    public static IEnumerable<Comparison> EuclideanDistance(ComputeDevice device, Random random, EuclideanDistanceShape s)
    {
        var a = random.UniformFloat(s.InputLength);
        var b = random.UniformFloat(s.InputLength);
        Array.Copy(a, s.Features, b, s.Features, s.Features);
        var dd = random.UniformFloat(s.Batch);
        var d = EuclideanDistanceReference.Forward(a, b, s);
        var (da, db) = EuclideanDistanceReference.Backward(dd, a, b, s);
        using var buffers = new DeviceBuffers(device);
        var distance = new EuclideanDistance(device);
        var aDevice = buffers.Upload(a);
        var bDevice = buffers.Upload(b);
        var dDevice = buffers.Poisoned(s.Batch);
        var daDevice = buffers.Poisoned(s.InputLength);
        var dbDevice = buffers.Poisoned(s.InputLength);
        distance.Forward(dDevice, aDevice, bDevice, s);
        var forward = Comparison.Of("distance", buffers.Read(dDevice), d);
        // The backward reads the float32 distance the forward kept, as in training.
        distance.Backward(daDevice, dbDevice, buffers.Upload(dd), dDevice, aDevice, bDevice, s);
        return [forward, Comparison.Of("dA", buffers.Read(daDevice), da), Comparison.Of("dB", buffers.Read(dbDevice), db)];
    }

    public static IEnumerable<Comparison> SigmoidBce(ComputeDevice device, Random random, SigmoidBceShape s)
    {
        var d = random.UniformFloat(s.Batch, 0, 3);
        var y = random.Labels(s.Batch);
        var w = random.UniformFloat(1, -2, 2)[0];
        var b = random.UniformFloat(1)[0];
        var dwBefore = random.UniformFloat(1);
        var dbBefore = random.UniformFloat(1);
        var (p, loss) = SigmoidBceReference.Forward(d, y, w, b, s);
        var (dd, dw, db) = SigmoidBceReference.Backward(p, d, y, w, s);
        using var buffers = new DeviceBuffers(device);
        var head = new SigmoidBce(device);
        var dDevice = buffers.Upload(d);
        var yDevice = buffers.Upload(y);
        var wDevice = buffers.Upload([w]);
        var pDevice = buffers.Poisoned(s.Batch);
        var lossDevice = buffers.Poisoned(s.Batch);
        var ddDevice = buffers.Poisoned(s.Batch);
        var dwDevice = buffers.Upload(dwBefore);
        var dbDevice = buffers.Upload(dbBefore);
        head.Forward(pDevice, lossDevice, dDevice, yDevice, wDevice, buffers.Upload([b]), s);
        var probability = Comparison.Of("probability", buffers.Read(pDevice), p);
        var lossComparison = Comparison.Of("loss", buffers.Read(lossDevice), loss);
        // The backward reads the float32 probability the forward kept, as in training.
        head.Backward(ddDevice, dwDevice, dbDevice, pDevice, dDevice, yDevice, wDevice, s);
        return
        [
            probability, lossComparison,
            Comparison.Of("dDistance", buffers.Read(ddDevice), dd),
            Comparison.Of("dHeadWeight (accumulated)", buffers.Read(dwDevice), [dw + dwBefore[0]]),
            Comparison.Of("dHeadBias (accumulated)", buffers.Read(dbDevice), [db + dbBefore[0]]),
        ];
    }

    /// <summary>
    /// Distances on both sides of the margin, none within 0.05 of the kink at d = m; the first four pairs
    /// (batch of at least 4) are each label on each side of the margin.
    /// </summary>
    public static (double[] Distance, double[] Label) ContrastiveInputs(Random random, int batch, double margin)
    {
        var d = random.UniformFloat(batch, 0.05, 2 * margin);
        for (var n = 0; n < batch; n++)
            if (Math.Abs(d[n] - margin) < 0.05)
                d[n] = margin + 0.25;
        (d[0], d[1], d[2], d[3]) = (0.5 * margin, 1.5 * margin, 0.5 * margin, 1.5 * margin);
        var y = random.Labels(batch);
        (y[0], y[1], y[2], y[3]) = (0, 0, 1, 1);
        return (d, y);
    }

    public static IEnumerable<Comparison> ContrastiveLoss(ComputeDevice device, Random random, ContrastiveShape s)
    {
        var (d, y) = ContrastiveInputs(random, s.Batch, s.Margin);
        using var buffers = new DeviceBuffers(device);
        var contrastive = new ContrastiveLoss(device);
        var dDevice = buffers.Upload(d);
        var yDevice = buffers.Upload(y);
        var lossDevice = buffers.Poisoned(s.Batch);
        var ddDevice = buffers.Poisoned(s.Batch);
        contrastive.Forward(lossDevice, dDevice, yDevice, s);
        contrastive.Backward(ddDevice, dDevice, yDevice, s);
        return
        [
            Comparison.Of("loss", buffers.Read(lossDevice), ContrastiveLossReference.Forward(d, y, s)),
            Comparison.Of("dDistance", buffers.Read(ddDevice), ContrastiveLossReference.Backward(d, y, s)),
        ];
    }

    public static IEnumerable<Comparison> TripletLoss(ComputeDevice device, Random random, TripletShape s)
    {
        var a = random.UniformFloat(s.InputLength);
        var p = random.UniformFloat(s.InputLength);
        var q = random.UniformFloat(s.InputLength);
        var (da, dp, dq) = TripletLossReference.Backward(a, p, q, s);
        using var buffers = new DeviceBuffers(device);
        var triplet = new TripletLoss(device);
        var aDevice = buffers.Upload(a);
        var pDevice = buffers.Upload(p);
        var qDevice = buffers.Upload(q);
        var lossDevice = buffers.Poisoned(s.Batch);
        var daDevice = buffers.Poisoned(s.InputLength);
        var dpDevice = buffers.Poisoned(s.InputLength);
        var dqDevice = buffers.Poisoned(s.InputLength);
        triplet.Forward(lossDevice, aDevice, pDevice, qDevice, s);
        triplet.Backward(daDevice, dpDevice, dqDevice, aDevice, pDevice, qDevice, s);
        return
        [
            Comparison.Of("loss", buffers.Read(lossDevice), TripletLossReference.Forward(a, p, q, s)),
            Comparison.Of("dAnchor", buffers.Read(daDevice), da),
            Comparison.Of("dPositive", buffers.Read(dpDevice), dp),
            Comparison.Of("dNegative", buffers.Read(dqDevice), dq),
        ];
    }

    /// <summary>Three steps from zero moments; tolerances as the Adam kernel tests use them.</summary>
    public static IEnumerable<Comparison> Adam(ComputeDevice device, Random random, int length)
    {
        var w = random.UniformFloat(length);
        var m = new double[length];
        var v = new double[length];
        using var buffers = new DeviceBuffers(device);
        var adam = new Adam(device);
        var wDevice = buffers.Upload(w);
        var mDevice = buffers.Upload(m);
        var vDevice = buffers.Upload(v);
        var results = new List<Comparison>();
        for (var t = 1; t <= 3; t++)
        {
            var g = random.UniformFloat(length);
            AdamReference.Update(w, m, v, g, t);
            adam.Update(wDevice, mDevice, vDevice, buffers.Upload(g), AdamShape.ForStep(length, AdamShape.DefaultLearningRate,
                AdamShape.DefaultBeta1, AdamShape.DefaultBeta2, AdamShape.DefaultEpsilon, t));
        }
        results.Add(Comparison.Of("weight after 3 steps", buffers.Read(wDevice), w, atol: 1e-6, rtol: 0));
        results.Add(Comparison.Of("m after 3 steps", buffers.Read(mDevice), m, atol: 1e-7, rtol: 1e-5));
        results.Add(Comparison.Of("v after 3 steps", buffers.Read(vDevice), v, atol: 1e-12, rtol: 1e-4));
        return results;
    }
}
