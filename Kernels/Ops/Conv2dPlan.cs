using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>How a forward with no backward after it (inference) computes y.</summary>
public enum ConvInferencePath
{
    /// <summary>The training forward: x laid out as the column matrix, then y = W · col (<see cref="Conv2dPlan.Forward"/>).</summary>
    Im2ColGemm,

    /// <summary>Each 8×16 tile of y sums its taps' shifted runs of x (<see cref="Conv2dKernels.Conv2dShiftedRuns"/>); no column matrix.</summary>
    ShiftedRuns,

    /// <summary>The same sums, and bits, a row of 16 positions at a time (<see cref="Conv2dKernels.Conv2dShiftedRunsByRow"/>): quick to generate.</summary>
    ShiftedRunsByRow,
}

/// <summary>How the backward forms dW and dB.</summary>
public enum ConvWeightGradientPath
{
    /// <summary>dz transposed (N·H·W × O), dB summed from it, dWᵀ += col · dzT (<see cref="Conv2dPlan.WeightGradientProduct"/>).</summary>
    DztGemm,

    /// <summary>Through a following max-pool: dW and dB summed from the pool's tensors at each window's argmax (<see cref="Conv2dKernels.Conv2dPooledWeightGradientPartials"/>).</summary>
    PooledSums,
}

/// <summary>How the backward forms dX.</summary>
public enum ConvInputGradientPath
{
    /// <summary>dcol = Wᵀ · dz (<see cref="Conv2dPlan.InputGradientProduct"/>), then each input element sums its K×K entries (<see cref="Conv2dKernels.Conv2dCol2Im"/>).</summary>
    GemmCol2Im,

    /// <summary>Each 8×16 tile of dx sums its taps' shifted runs of dz (<see cref="Conv2dKernels.Conv2dShiftedRuns"/>); no dcol.</summary>
    ShiftedRuns,
}

/// <summary>
/// Which path each pass of one convolution takes on one device, for one shape: chosen once (<see cref="For"/>, the
/// table at the top of Conv2d.cs says why), with the GEMM plans of the products the chosen paths run. A path given to
/// <see cref="For"/> is taken instead of the device's (tests check every path on every backend); one that cannot run the
/// shape is refused there, with an <see cref="ArgumentException"/>. The training forward has one path, im2col+GEMM: its
/// column matrix is what the backward's dW product reads.
/// </summary>
public sealed record Conv2dPlan
{
    /// <summary>
    /// Up to this many taps, a convolution followed by a max-pool sums dW and dB straight from the pool
    /// (<see cref="ConvWeightGradientPath.PooledSums"/>): a gathered multiply-add per window and tap against a dense
    /// GEMM over all positions plus the dzT it needs. Measured on PoCL: 9 taps 2.3 ms against 4.2, 4 taps 3.1 against 9;
    /// 288 taps 32 ms against 5 (docs/optimisation-log.md #32).
    /// </summary>
    public const int MaxTapsSummedFromPool = 16;

    /// <summary>
    /// Up to this many images (a compare's pair, a search query), a CPU whose 8×16 tiles' kernel is not generated yet infers by
    /// <see cref="ConvInferencePath.ShiftedRunsByRow"/>: ILGPU 1.5.3 generates the tiles in 1.6 s, which a command that embeds
    /// one or two images never wins back. Once they are there (a server after its warm-up, a training run) the tiles are
    /// quicker to run (docs/optimisation-log.md #42); both give the same bits.
    /// </summary>
    public const int MaxImagesByRow = 2;

    public Conv2dShape Shape { get; }

    /// <summary>Whether a 2×2 max-pool follows, whose gradient, output and argmax the backward starts from.</summary>
    public bool Pooled { get; }

    public ConvInferencePath Inference { get; }
    public ConvWeightGradientPath WeightGradient { get; }
    public ConvInputGradientPath InputGradient { get; }

    /// <summary>y (O × N·H·W, stored NCHW) = act(W (O × C·K·K) · col + b): the training forward, and inference on im2col+GEMM.</summary>
    public GemmPlan Forward { get; }

    /// <summary>dWᵀ (C·K·K × O) += col · dzT, stored into dW (O × C·K·K); null on pooled sums.</summary>
    public GemmPlan? WeightGradientProduct { get; }

    /// <summary>dcol (C·K·K × N·H·W) = Wᵀ · dz; null on shifted runs.</summary>
    public GemmPlan? InputGradientProduct { get; }

    private Conv2dPlan(DeviceInfo device, Conv2dShape s, bool pooled, ConvInferencePath inference,
        ConvWeightGradientPath weightGradient, ConvInputGradientPath inputGradient)
    {
        (Shape, Pooled, Inference, WeightGradient, InputGradient) = (s, pooled, inference, weightGradient, inputGradient);
        Forward = GemmPlan.For(device, GemmShape.Product(s.OutChannels, s.Positions, s.Taps).IntoNchw(s.Height * s.Width, s.Relu != 0));
        if (weightGradient == ConvWeightGradientPath.DztGemm)
            WeightGradientProduct = GemmPlan.For(device, GemmShape.Product(s.Taps, s.OutChannels, s.Positions).AccumulatingTransposed());
        if (inputGradient == ConvInputGradientPath.GemmCol2Im)
            InputGradientProduct = GemmPlan.For(device, GemmShape.Product(s.Taps, s.Positions, s.OutChannels).TransposedA());
    }

    /// <summary>
    /// The plan for <paramref name="s"/> on <paramref name="device"/>; <paramref name="pooled"/>: a 2×2 max-pool follows.
    /// A path given is taken instead of the device's, or refused (<see cref="ArgumentException"/>) where it cannot run the shape.
    /// </summary>
    public static Conv2dPlan For(DeviceInfo device, Conv2dShape s, bool pooled = false, ConvInferencePath? inference = null,
        ConvWeightGradientPath? weightGradient = null, ConvInputGradientPath? inputGradient = null, bool tilesGenerated = false)
    {
        var forwardRuns = ShiftedRunsShape.Forward(s).Fits;
        var inputGradientRuns = ShiftedRunsShape.InputGradient(s).Fits;
        if (inference is ConvInferencePath.ShiftedRuns or ConvInferencePath.ShiftedRunsByRow && !forwardRuns)
            throw new ArgumentException($"shifted runs need at least {ShiftedRunsShape.TileRows} output channels and {ShiftedRunsShape.TileColumns} " +
                                        $"positions; {s.OutChannels} channels, {s.Positions} positions", nameof(inference));
        if (inputGradient == ConvInputGradientPath.ShiftedRuns && !inputGradientRuns)
            throw new ArgumentException($"shifted runs need at least {ShiftedRunsShape.TileRows} input channels and {ShiftedRunsShape.TileColumns} " +
                                        $"positions; {s.InChannels} channels, {s.Positions} positions", nameof(inputGradient));
        if (weightGradient == ConvWeightGradientPath.PooledSums && !pooled)
            throw new ArgumentException("pooled sums start from a following max-pool's tensors; this convolution has none", nameof(weightGradient));
        return new(device, s, pooled,
            inference ?? (device.IsGpu || !forwardRuns ? ConvInferencePath.Im2ColGemm
                : s.Batch <= MaxImagesByRow && !tilesGenerated ? ConvInferencePath.ShiftedRunsByRow : ConvInferencePath.ShiftedRuns),
            weightGradient ?? (pooled && s.Taps <= MaxTapsSummedFromPool ? ConvWeightGradientPath.PooledSums : ConvWeightGradientPath.DztGemm),
            inputGradient ?? (!device.IsGpu && inputGradientRuns ? ConvInputGradientPath.ShiftedRuns : ConvInputGradientPath.GemmCol2Im));
    }

    /// <summary>The training forward's path as bench --layers and selftest print it.</summary>
    public string ForwardName => $"im2col+GEMM ({Forward.Name})";

    public string InferenceName => Inference switch
    {
        ConvInferencePath.ShiftedRuns => "shifted runs",
        ConvInferencePath.ShiftedRunsByRow => "shifted runs by row",
        _ => ForwardName,
    };

    /// <summary>The backward's paths; dX's only where the backward forms it (<paramref name="inputGradient"/>: not for a tower's first layer).</summary>
    public string BackwardName(bool inputGradient)
    {
        var dw = WeightGradient == ConvWeightGradientPath.PooledSums ? "pooled sums" : $"dzT+GEMM ({WeightGradientProduct!.Name})";
        if (!inputGradient)
            return $"dW {dw}";
        var dx = InputGradient == ConvInputGradientPath.ShiftedRuns ? "shifted runs" : $"GEMM ({InputGradientProduct!.Name})+col2im";
        return $"dW {dw}; dX {dx}";
    }

    public override string ToString() => $"forward {ForwardName}; inference {InferenceName}; {BackwardName(inputGradient: true)}";
}
