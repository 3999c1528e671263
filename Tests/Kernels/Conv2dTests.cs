using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Oracle.Checks;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Kernels;

public class Conv2dReferenceGradientTests
{
    [TestCase(2, false, 5, 4)]
    [TestCase(2, true, 5, 4)]
    [TestCase(3, false, 4, 6)]
    [TestCase(3, true, 5, 4)]
    [TestCase(5, false, 5, 4)]
    [TestCase(5, true, 4, 6)]
    public void BackwardMatchesFiniteDifferences(int kernel, bool relu, int height, int width)
    {
        var numbers = new Numbers();
        foreach (var probe in GradientChecks.Conv2d(numbers.Random, new Conv2dShape(batch: 2, inChannels: 3, height, width, outChannels: 4, kernel, relu)))
            Close.That(probe);
    }

    [TestCase(1, 0)]
    [TestCase(2, 0)]
    [TestCase(3, 1)]
    [TestCase(4, 1)]
    [TestCase(5, 2)]
    public void PaddingBeforeIsKerasSame(int kernel, int padBefore) =>
        Assert.That(new Conv2dShape(1, 1, 8, 8, 1, kernel, false).PadBefore, Is.EqualTo(padBefore));

    [Test]
    public void EvenKernelPadsAfterTheImage()
    {
        // One channel, 2×2 kernel whose only tap is its bottom-right one: y[h,w] = x[h+1,w+1], zero past the edge.
        var s = new Conv2dShape(1, 1, height: 2, width: 3, 1, kernel: 2, relu: false);
        double[] x = [1, 2, 3, 4, 5, 6];
        var y = Conv2dReference.Forward(x, [0, 0, 0, 1], [0], s);
        Assert.That(y, Is.EqualTo(new double[] { 5, 6, 0, 0, 0, 0 }).AsCollection);
    }
}

[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class Conv2dKernelTests(string deviceId) : BackendFixture(deviceId)
{
    [TestCase(2, true, 1)]
    [TestCase(2, false, 5)]
    [TestCase(3, true, 5)]
    [TestCase(4, true, 3)]
    [TestCase(5, false, 5)]
    [TestCase(5, true, 2, 2, 3)]
    [TestCase(3, true, 2, 1, 17)]
    public void ForwardAndBackwardMatchReference(int kernel, bool relu, int inChannels, int height = 7, int width = 6)
    {
        // The shared check (siamese selftest runs it too): NaN-poisoned outputs, dWeight and dBias accumulated, the
        // backward reading the float32 forward output for the ReLU mask, as in training.
        var numbers = new Numbers();
        foreach (var comparison in KernelChecks.Conv2d(Device, numbers.Random,
                     Conv2d.On(Device).Plan(new Conv2dShape(batch: 3, inChannels, height, width, outChannels: 8, kernel, relu))))
            Close.That(comparison);
    }

    /// <summary>
    /// dx from <see cref="Conv2dKernels.Conv2dShiftedRuns"/> (the taps' shifted runs of dz, masked by
    /// <see cref="Conv2dKernels.Conv2dShiftedRunsEdges"/>), forced on every backend (CPUs take it from 8 input channels). Tiles of 16 positions that
    /// run into the next image (42 and 35 positions an image), over several images (9 and 6), a last tile moved back
    /// (126 of 16), channels not a multiple of 8 (9, 12), even and odd kernels.
    /// </summary>
    [TestCase(3, true, 8)]
    [TestCase(2, false, 9, 5, 7)]
    [TestCase(3, true, 12, 3, 3)]
    [TestCase(5, false, 8, 4, 4)]
    [TestCase(2, true, 16, 3, 2)]
    public void InputGradientFromTheShiftedRunsOfDzMatchesReference(int kernel, bool relu, int inChannels, int height = 7, int width = 6)
    {
        var s = new Conv2dShape(batch: 3, inChannels, height, width, outChannels: 8, kernel, relu);
        var numbers = new Numbers();
        foreach (var comparison in KernelChecks.Conv2d(Device, numbers.Random, Conv2dPlan.For(Device.Info, s, inputGradient: ConvInputGradientPath.ShiftedRuns)))
            Close.That(comparison);
    }

    /// <summary>
    /// Inference summing y from x's shifted runs (<see cref="Conv2d.Infer"/>), x laid out channel-major by
    /// <see cref="Conv2dKernels.Conv2dChannelMajor"/>, forced on every backend (CPUs take it from 8 output channels). One input channel (the towers' first convs),
    /// channel counts not a multiple of 8, tiles that run into the next image, even and odd kernels, with and without ReLU.
    /// </summary>
    [TestCase(3, true, 1, 9)]
    [TestCase(2, true, 1, 8, 5, 7)]
    [TestCase(3, false, 9, 12, 3, 3)]
    [TestCase(5, true, 3, 8, 4, 4)]
    [TestCase(2, false, 16, 17, 3, 2)]
    public void InferenceFromTheShiftedRunsOfXMatchesReference(int kernel, bool relu, int inChannels, int outChannels, int height = 7, int width = 6)
    {
        var s = new Conv2dShape(batch: 3, inChannels, height, width, outChannels, kernel, relu);
        var numbers = new Numbers();
        var comparisons = KernelChecks.Conv2d(Device, numbers.Random, Conv2dPlan.For(Device.Info, s, inference: ConvInferencePath.ShiftedRuns)).ToList();
        Assert.That(comparisons.Select(c => c.What), Does.Contain("inference forward"));
        foreach (var comparison in comparisons)
            Close.That(comparison);
    }

    [Test]
    public void WithoutAnInputGradientOnlyTheParametersGetOne()
    {
        var numbers = new Numbers();
        var s = new Conv2dShape(batch: 2, inChannels: 1, height: 5, width: 5, outChannels: 4, kernel: 3, relu: true);
        var x = numbers.UniformFloat(s.InputLength);
        var w = numbers.UniformFloat(s.WeightLength);
        var dy = numbers.UniformFloat(s.OutputLength);
        var y = Conv2dReference.Forward(x, w, new double[s.OutChannels], s);
        var (_, dw, db) = Conv2dReference.Backward(dy, y, x, w, s);
        using var arrays = new DeviceBuffers(Device);
        var dwDevice = arrays.Upload(new double[s.WeightLength]);
        var dbDevice = arrays.Upload(new double[s.OutChannels]);
        var conv = Conv2d.On(Device);
        var plan = conv.Plan(s);
        var col = arrays.Poisoned(s.ColumnsLength);
        conv.Forward(arrays.Poisoned(s.OutputLength), arrays.Upload(x), arrays.Upload(w), arrays.Upload(new double[s.OutChannels]), col, plan);
        conv.Backward(ILGPU.ArrayView<float>.Empty, dwDevice, dbDevice, ConvOutputGradient.Of(arrays.Upload(dy), arrays.Upload(y)), col, arrays.Upload(w), plan);
        Close.Assert("dWeight", arrays.Read(dwDevice), dw);
        Close.Assert("dBias", arrays.Read(dbDevice), db);
    }

    /// <summary>
    /// The relu flag read from the output alone: the reference reads the shape's Relu too, so a shape that ignored
    /// the flag would match it either way (a mutant Stryker left alive, docs/mutation-testing.md).
    /// </summary>
    [Test]
    public void ReluFlagDecidesWhetherNegativeOutputsAreKept([Values] bool inference)
    {
        var numbers = new Numbers();
        using var arrays = new DeviceBuffers(Device);
        var conv = Conv2d.On(Device);
        var plain = new Conv2dShape(batch: 2, inChannels: 2, height: 5, width: 6, outChannels: 8, kernel: 3, relu: false);
        var x = arrays.Upload(numbers.UniformFloat(plain.InputLength));
        var w = arrays.Upload(numbers.UniformFloat(plain.WeightLength));
        var b = arrays.Upload(numbers.UniformFloat(plain.OutChannels));
        float[] Run(bool relu)
        {
            var s = new Conv2dShape(batch: 2, inChannels: 2, height: 5, width: 6, outChannels: 8, kernel: 3, relu);
            var y = arrays.Poisoned(s.OutputLength);
            if (inference)
                conv.Infer(y, x, w, b, arrays.Poisoned(s.ColumnsLength), conv.Plan(s));
            else
                conv.Forward(y, x, w, b, arrays.Poisoned(s.ColumnsLength), conv.Plan(s));
            return arrays.Read(y);
        }
        var linear = Run(relu: false);
        Assert.That(linear, Has.Some.LessThan(0f), "without ReLU negative sums stay");
        Assert.That(Run(relu: true), Is.EqualTo(linear.Select(v => Math.Max(0f, v)).ToArray()).AsCollection, "with ReLU max(0, ·)");
    }

    /// <summary>
    /// The by-row kernel sums what the 8×16 tiles sum in the same order, so a pair compared alone and in a batch gets the same
    /// similarity: rows not a multiple of 8, runs that cross into the next image, even and odd kernels.
    /// </summary>
    [TestCase(1, 1, 8, 28, 28, 3)]
    [TestCase(2, 9, 12, 5, 7, 2)]
    [TestCase(3, 3, 17, 4, 4, 5)]
    public void InferenceByRowGivesTheTilesBits(int batch, int inChannels, int outChannels, int height, int width, int kernel)
    {
        var numbers = new Numbers();
        var s = new Conv2dShape(batch, inChannels, height, width, outChannels, kernel, relu: true);
        using var arrays = new DeviceBuffers(Device);
        var conv = Conv2d.On(Device);
        var x = arrays.Upload(numbers.UniformFloat(s.InputLength));
        var w = arrays.Upload(numbers.UniformFloat(s.WeightLength));
        var b = arrays.Upload(numbers.UniformFloat(s.OutChannels));
        float[] Infer(ConvInferencePath path)
        {
            var y = arrays.Poisoned(s.OutputLength);
            conv.Infer(y, x, w, b, arrays.Poisoned(s.ColumnsLength), Conv2dPlan.For(Device.Info, s, inference: path));
            return arrays.Read(y);
        }
        var byRow = Infer(ConvInferencePath.ShiftedRunsByRow);
        Assert.That(byRow, Has.None.NaN);
        Assert.That(byRow, Is.EqualTo(Infer(ConvInferencePath.ShiftedRuns)).AsCollection);
    }

    [Test]
    public void TwoLaunchesGiveIdenticalBits()
    {
        var numbers = new Numbers();
        var s = new Conv2dShape(batch: 4, inChannels: 8, height: 10, width: 9, outChannels: 16, kernel: 3, relu: true);
        using var arrays = new DeviceBuffers(Device);
        var conv = Conv2d.On(Device);
        var x = arrays.Upload(numbers.UniformFloat(s.InputLength));
        var w = arrays.Upload(numbers.UniformFloat(s.WeightLength));
        var b = arrays.Upload(numbers.UniformFloat(s.OutChannels));
        var dy = arrays.Upload(numbers.UniformFloat(s.OutputLength));
        float[] Run()
        {
            var y = arrays.Poisoned(s.OutputLength);
            var dx = arrays.Poisoned(s.InputLength);
            var dw = arrays.Upload(new float[s.WeightLength]);
            var db = arrays.Upload(new float[s.OutChannels]);
            var col = arrays.Poisoned(s.ColumnsLength);
            conv.Forward(y, x, w, b, col, conv.Plan(s));
            conv.Backward(dx, dw, db, ConvOutputGradient.Of(dy, y), col, w, conv.Plan(s));
            return [.. arrays.Read(y), .. arrays.Read(dx), .. arrays.Read(dw), .. arrays.Read(db)];
        }
        Assert.That(Run(), Is.EqualTo(Run()).AsCollection);
    }

    /// <summary>
    /// The backward from a following max-pool against the reference, dW and dB by each path: summed from the pool (windows
    /// in runs of 16, then one by one: 4, 20, 36 and 256 windows a plane; the device's choice up to 16 taps), or through
    /// dzT and the GEMM.
    /// </summary>
    [TestCaseSource(nameof(PooledShapes))]
    public void BackwardThroughMaxPoolMatchesReference(int inChannels, int kernel, int height, int width, bool relu,
        ConvWeightGradientPath weightGradient)
    {
        var numbers = new Numbers();
        var s = new Conv2dShape(batch: 3, inChannels, height, width, outChannels: 6, kernel, relu);
        foreach (var comparison in KernelChecks.Conv2dThroughMaxPool(Device, numbers.Random,
                     Conv2dPlan.For(Device.Info, s, pooled: true, weightGradient: weightGradient)))
            Close.That(comparison);
    }

    private static IEnumerable<TestCaseData> PooledShapes() =>
        from shape in new (int InChannels, int Kernel, int Height, int Width, bool Relu)[]
        {
            (1, 3, 10, 9, true), (1, 2, 9, 10, false), (1, 3, 4, 5, true), (1, 4, 12, 13, true), (1, 3, 32, 32, true),
            (2, 3, 7, 6, true), (8, 3, 10, 9, true), (16, 2, 7, 6, true),
        }
        from path in Enum.GetValues<ConvWeightGradientPath>()
        select new TestCaseData(shape.InChannels, shape.Kernel, shape.Height, shape.Width, shape.Relu, path);

    /// <summary>Inference and dX by each of their paths, forced, on shapes every path can run: 8 channels or more each way, tiles into the next image.</summary>
    [Test]
    public void EveryPathMatchesReference([Values] ConvInferencePath inference, [Values] ConvInputGradientPath inputGradient,
        [Values(2, 3)] int kernel)
    {
        var numbers = new Numbers();
        var s = new Conv2dShape(batch: 3, inChannels: 9, height: 5, width: 7, outChannels: 12, kernel, relu: true);
        foreach (var comparison in KernelChecks.Conv2d(Device, numbers.Random,
                     Conv2dPlan.For(Device.Info, s, inference: inference, inputGradient: inputGradient)))
            Close.That(comparison);
    }

    /// <summary>The device's own choice (the table at the top of Conv2d.cs): on CPUs shifted runs from 8 channels, on GPUs the GEMMs; pooled sums up to 16 taps.</summary>
    [TestCase(8, 8, 3, true, ConvInferencePath.ShiftedRuns, ConvWeightGradientPath.DztGemm, ConvInputGradientPath.ShiftedRuns)]
    [TestCase(1, 8, 2, true, ConvInferencePath.ShiftedRuns, ConvWeightGradientPath.PooledSums, ConvInputGradientPath.GemmCol2Im)]
    [TestCase(1, 8, 4, true, ConvInferencePath.ShiftedRuns, ConvWeightGradientPath.PooledSums, ConvInputGradientPath.GemmCol2Im)]
    [TestCase(1, 8, 4, false, ConvInferencePath.ShiftedRuns, ConvWeightGradientPath.DztGemm, ConvInputGradientPath.GemmCol2Im)]
    [TestCase(8, 7, 3, false, ConvInferencePath.Im2ColGemm, ConvWeightGradientPath.DztGemm, ConvInputGradientPath.ShiftedRuns)]
    [TestCase(2, 8, 3, true, ConvInferencePath.ShiftedRuns, ConvWeightGradientPath.DztGemm, ConvInputGradientPath.GemmCol2Im)]
    public void TheDevicePicksItsPaths(int inChannels, int outChannels, int kernel, bool pooled,
        ConvInferencePath inference, ConvWeightGradientPath weightGradient, ConvInputGradientPath inputGradient)
    {
        var plan = Conv2d.On(Device).Plan(new Conv2dShape(batch: 3, inChannels, height: 6, width: 6, outChannels, kernel, relu: true), pooled);
        var gpu = Device.Info.IsGpu;
        Assert.That(plan.Inference, Is.EqualTo(gpu ? ConvInferencePath.Im2ColGemm : inference));
        Assert.That(plan.WeightGradient, Is.EqualTo(weightGradient));
        Assert.That(plan.InputGradient, Is.EqualTo(gpu ? ConvInputGradientPath.GemmCol2Im : inputGradient));
        Assert.That(plan.Forward.Path, Is.EqualTo(gpu ? GemmPath.SharedTiles : outChannels < GemmShape.TileRows ? GemmPath.Rows : GemmPath.RegisterTiles));
        Assert.That(plan.WeightGradientProduct is null, Is.EqualTo(weightGradient == ConvWeightGradientPath.PooledSums));
        Assert.That(plan.InputGradientProduct is null, Is.EqualTo(plan.InputGradient == ConvInputGradientPath.ShiftedRuns));
    }

    /// <summary>
    /// A compare's pair or a search query: a CPU infers by row up to 2 images, where generating the tiles' code would not pay,
    /// unless the tiles are generated already.
    /// </summary>
    [TestCase(1, false, ConvInferencePath.ShiftedRunsByRow)]
    [TestCase(2, false, ConvInferencePath.ShiftedRunsByRow)]
    [TestCase(3, false, ConvInferencePath.ShiftedRuns)]
    [TestCase(2, true, ConvInferencePath.ShiftedRuns)]
    public void AFewImagesAreInferredByRowUntilTheTilesAreGenerated(int batch, bool tilesGenerated, ConvInferencePath onCpu)
    {
        var plan = Conv2dPlan.For(Device.Info, new Conv2dShape(batch, inChannels: 1, height: 28, width: 28, outChannels: 32, kernel: 3, relu: true),
            tilesGenerated: tilesGenerated);
        Assert.That(plan.Inference, Is.EqualTo(Device.Info.IsGpu ? ConvInferencePath.Im2ColGemm : onCpu));
    }

    /// <summary>The device's plan asks whether the tiles are generated: a pair planned after a larger batch ran takes them.</summary>
    [Test]
    public void APairPlannedAfterTheTilesRanTakesThem()
    {
        if (Device.Info.IsGpu)
            Assert.Ignore("a GPU infers by im2col and its GEMM");
        using var fresh = ComputeDevice.Open(DeviceId);
        var conv = Conv2d.On(fresh);
        var pair = new Conv2dShape(batch: 2, inChannels: 1, height: 28, width: 28, outChannels: 32, kernel: 3, relu: true);
        Assert.That(conv.Plan(pair).Inference, Is.EqualTo(ConvInferencePath.ShiftedRunsByRow));
        var batch = new Conv2dShape(batch: 3, inChannels: 1, height: 28, width: 28, outChannels: 32, kernel: 3, relu: true);
        using var arrays = new DeviceBuffers(fresh);
        conv.Infer(arrays.Poisoned(batch.OutputLength), arrays.Poisoned(batch.InputLength), arrays.Poisoned(batch.WeightLength),
            arrays.Poisoned(batch.OutChannels), arrays.Poisoned(batch.ColumnsLength), conv.Plan(batch));
        Assert.That(fresh.HasLoaded(Conv2dKernels.Conv2dShiftedRuns), Is.True);
        Assert.That(conv.Plan(pair).Inference, Is.EqualTo(ConvInferencePath.ShiftedRunsByRow), "a plan is kept once made");
        var otherPair = new Conv2dShape(batch: 2, inChannels: 1, height: 28, width: 28, outChannels: 16, kernel: 3, relu: true);
        Assert.That(conv.Plan(otherPair).Inference, Is.EqualTo(ConvInferencePath.ShiftedRuns));
    }

    /// <summary>The layers ask for their plan at every pass: it is made once per shape, then found without allocating.</summary>
    [Test]
    public void APlanIsMadeOncePerShapeAndFoundWithoutAllocating()
    {
        var conv = Conv2d.On(Device);
        var s = new Conv2dShape(batch: 2, inChannels: 8, height: 6, width: 6, outChannels: 8, kernel: 3, relu: true);
        var plan = conv.Plan(s, pooled: true);
        Assert.That(conv.Plan(s, pooled: true), Is.SameAs(plan));
        Assert.That(conv.Plan(s), Is.Not.SameAs(plan), "pooled or not: two plans");
        Assert.That(conv.Plan(new Conv2dShape(batch: 3, inChannels: 8, height: 6, width: 6, outChannels: 8, kernel: 3, relu: true), pooled: true).Shape.Batch,
            Is.EqualTo(3));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
            conv.Plan(s, pooled: true);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void APathThatCannotRunTheShapeIsRefusedWhenThePlanIsMade()
    {
        var fewChannels = new Conv2dShape(batch: 2, inChannels: 7, height: 6, width: 6, outChannels: 7, kernel: 3, relu: true);
        Assert.That(() => Conv2dPlan.For(Device.Info, fewChannels, inputGradient: ConvInputGradientPath.ShiftedRuns),
            Throws.ArgumentException.With.Message.Contains("at least 8 input channels"));
        Assert.That(() => Conv2dPlan.For(Device.Info, fewChannels, inference: ConvInferencePath.ShiftedRuns),
            Throws.ArgumentException.With.Message.Contains("at least 8 output channels"));
        Assert.That(() => Conv2dPlan.For(Device.Info, fewChannels, inference: ConvInferencePath.ShiftedRunsByRow),
            Throws.ArgumentException.With.Message.Contains("at least 8 output channels"));
        var fewPositions = new Conv2dShape(batch: 1, inChannels: 8, height: 3, width: 5, outChannels: 8, kernel: 3, relu: true);
        Assert.That(() => Conv2dPlan.For(Device.Info, fewPositions, inference: ConvInferencePath.ShiftedRuns),
            Throws.ArgumentException.With.Message.Contains("15 positions"));
        Assert.That(() => Conv2dPlan.For(Device.Info, fewChannels, weightGradient: ConvWeightGradientPath.PooledSums),
            Throws.ArgumentException.With.Message.Contains("max-pool"));
    }

    [Test]
    public void PooledSumsRefuseAGradientThatComesWithoutAPool()
    {
        var s = new Conv2dShape(batch: 2, inChannels: 1, height: 6, width: 6, outChannels: 4, kernel: 2, relu: true);
        var plan = Conv2dPlan.For(Device.Info, s, pooled: true);
        Assert.That(plan.WeightGradient, Is.EqualTo(ConvWeightGradientPath.PooledSums));
        using var arrays = new DeviceBuffers(Device);
        var (y, col, w) = (arrays.Poisoned(s.OutputLength), arrays.Poisoned(s.ColumnsLength), arrays.Poisoned(s.WeightLength));
        Assert.That(() => Conv2d.On(Device).Backward(ILGPU.ArrayView<float>.Empty, arrays.Poisoned(s.WeightLength), arrays.Poisoned(s.OutChannels),
            ConvOutputGradient.Of(y, y), col, w, plan), Throws.ArgumentException.With.Message.Contains("without one"));
    }

    /// <summary>
    /// A max-pool after the convolution: the backward from the pool's gradient, output and argmax gives the same bits
    /// as the pool's backward (a full-size dy) followed by the plain backward; odd sizes drop a row and a column. With 18
    /// taps dW goes through dzT either way (with up to 16 it is summed from the pool, in another order).
    /// </summary>
    [TestCase(6, 8, true)]
    [TestCase(7, 5, true)]
    [TestCase(5, 7, false)]
    public void BackwardThroughMaxPoolEqualsPoolBackwardThenConvBackward(int height, int width, bool relu)
    {
        var numbers = new Numbers();
        var s = new Conv2dShape(batch: 3, inChannels: 2, height, width, outChannels: 5, kernel: 3, relu);
        var pool = new MaxPool2dShape(s.Batch, s.OutChannels, height, width);
        using var arrays = new DeviceBuffers(Device);
        var conv = Conv2d.On(Device);
        var maxPool = new MaxPool2d(Device);
        var (x, w, b) = (arrays.Upload(numbers.UniformFloat(s.InputLength)), arrays.Upload(numbers.UniformFloat(s.WeightLength)),
            arrays.Upload(numbers.UniformFloat(s.OutChannels)));
        var (y, col) = (arrays.Poisoned(s.OutputLength), arrays.Poisoned(s.ColumnsLength));
        var (pooled, argmax) = (arrays.Poisoned(pool.OutputLength), arrays.PoisonedInt(pool.OutputLength));
        conv.Forward(y, x, w, b, col, conv.Plan(s));
        maxPool.Forward(pooled, argmax, y, pool);
        var dPooled = arrays.Upload(numbers.UniformFloat(pool.OutputLength));
        float[] Gradients(ConvOutputGradient gradient)
        {
            var dx = arrays.Poisoned(s.InputLength);
            var (dw, db) = (arrays.Upload(new float[s.WeightLength]), arrays.Upload(new float[s.OutChannels]));
            conv.Backward(dx, dw, db, gradient, col, w, conv.Plan(s, pooled: gradient.ThroughPool));
            return [.. arrays.Read(dx), .. arrays.Read(dw), .. arrays.Read(db)];
        }
        var dy = arrays.Poisoned(s.OutputLength);
        maxPool.Backward(dy, dPooled, argmax, pool);
        var throughPool = Gradients(ConvOutputGradient.ThroughMaxPool(dPooled, pooled, argmax));
        Assert.That(throughPool, Is.EqualTo(Gradients(ConvOutputGradient.Of(dy, y))).AsCollection);
        Assert.That(throughPool, Has.None.NaN);
    }
}
