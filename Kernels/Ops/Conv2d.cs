using System.Collections.Concurrent;
using ILGPU;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

// Which path each pass takes (Conv2dPlan.For; tests force every path on every backend):
//   pass              device  path                  why
//   training forward  all     im2col+GEMM           the backward's dW product reads the column matrix, so it is written anyway
//   inference         CPU     shifted runs          from 8 output channels and 16 positions: no column matrix written and read back
//                             ... by row            up to 2 images, until the tiles are generated: the same bits from a kernel
//                                                   ILGPU generates in a tenth of the time
//   inference         GPU     im2col+GEMM           shared-memory GEMM tiles coalesce; a shifted-runs work item streams its own rows
//   dW, dB            all     pooled sums           a 2×2 max-pool follows and C·K·K <= 16: a quarter of the positions, no dz formed
//   dW, dB            all     dzT+GEMM              otherwise: past 16 taps a dense GEMM beats a gathered multiply-add per window and tap
//   dX                CPU     shifted runs          from 8 input channels and 16 positions: no dcol written and summed back (col2im)
//   dX                GPU     GEMM+col2im           as inference: the GEMM coalesces, the shifted runs would not
// Below 8 channels (a first conv's 1 input channel) a CPU takes the GEMM paths: a shifted-runs tile needs 8 rows.
// The GEMMs themselves: GemmPlan.For (register tiles on CPUs, shared-memory tiles on GPUs, split K for a long dW sum).

/// <summary>
/// x: (N, C, H, W)  w: (O, C, K, K)  b: (O)  y: (N, O, H, W); stride 1, "same" padding as Keras does it:
/// PadBefore = (K-1)/2 rows/columns of zeros before, K-1-PadBefore after (even K: 0 before, 1 after).
/// Relu = 1 fuses max(0, ·) into the output.
/// </summary>
public readonly struct Conv2dShape(int batch, int inChannels, int height, int width, int outChannels, int kernel, bool relu)
{
    public readonly int Batch = batch;
    public readonly int InChannels = inChannels;
    public readonly int Height = height;
    public readonly int Width = width;
    public readonly int OutChannels = outChannels;
    public readonly int Kernel = kernel;
    public readonly int Relu = relu ? 1 : 0;
    public readonly int PadBefore = (kernel - 1) / 2;

    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int InputLength => Batch * InChannels * Height * Width;
    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int OutputLength => Batch * OutChannels * Height * Width;
    public int WeightLength => OutChannels * InChannels * Kernel * Kernel;

    /// <summary>C·K·K: the rows of the column matrix, one per tap.</summary>
    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int Taps => InChannels * Kernel * Kernel;

    /// <summary>N·H·W: the columns of the column matrix, one per output position.</summary>
    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int Positions => Batch * Height * Width;

    /// <summary>C·K·K·N·H·W: the column matrix's length.</summary>
    public int ColumnsLength => Taps * Positions;
}

/// <summary>
/// 2-D convolution (cross-correlation, as every framework computes it), stride 1, same padding, as a
/// matrix product over the column matrix col (C·K·K × N·H·W), col[(c,kh,kw), (n,h,w)] = x[n,c,h+kh-P,w+kw-P]
/// (0 outside the image):
///   forward   y = act(W · col + b)                       W: (O, C·K·K), y written as (N, O, H, W)
///   backward  dz = dy · [y &gt; 0] (just dy without ReLU), laid out (O, N·H·W), formed once
///             dB += Σ_columns dz,   dW += dz · colᵀ,   dX = col2im(Wᵀ · dz), or on CPUs from 8 input channels
///             dX summed per tap from dz's shifted rows without col2im (Conv2dShiftedRuns.cs)
/// Inference on CPUs, from 8 output channels, sums y from x's shifted rows the same way, without col.
/// Gradient rule: dWeight and dBias accumulate (+=), so the twin branches (one batch of 2N images) and
/// any earlier pass add into one buffer; dInput is assigned (=). The forward leaves col in a buffer the
/// caller keeps for the backward, so the input is laid out once per step. docs/math.md derives each line.
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static partial class Conv2dKernels
{
    // j = n·H·W + h·W + w runs over every output position of the batch; ck = (c·K + kh)·K + kw over the taps.
    // Each work item writes a whole row (W or C·K·K consecutive elements): integer divisions cost tens of
    // cycles on a CPU, so they are paid once per row, not once per element.

    // x: (N, C, H, W)  col: (C·K·K, N·H·W)   col[ck, j] = x[n, c, h+kh-P, w+kw-P], 0 outside the image
    // One work item per tap and image: its H·W outputs are the input plane shifted by (kh-P)·W + (kw-P), so
    // the rows inside the image are one contiguous copy (vectorised), and then the rows and the edge columns
    // that the shift moved outside the image are set to 0 (the copy wrapped neighbouring rows' values there).
    public static void Conv2dIm2Col(ArrayView<float> col, ArrayView<float> input, Conv2dShape s)
    {
        var area = s.Height * s.Width;
        var planes = s.Taps * s.Batch;
        for (var plane = GridStride.Start; plane < planes; plane += GridStride.Step)
        {
            var n = plane % s.Batch;
            var ck = plane / s.Batch;
            var kw = ck % s.Kernel;
            var kh = ck / s.Kernel % s.Kernel;
            var c = ck / (s.Kernel * s.Kernel);
            var dh = kh - s.PadBefore;
            var dw = kw - s.PadBefore;
            var target = ck * s.Positions + n * area;
            var source = (n * s.InChannels + c) * area + dh * s.Width + dw;
            // Rows h with 0 <= h + dh < H; the copy starts and ends inside the input plane.
            var firstRow = dh < 0 ? -dh : 0;
            var endRow = dh > 0 ? s.Height - dh : s.Height;
            var first = firstRow * s.Width + (dw < 0 ? -dw : 0);
            var end = endRow * s.Width - (dw > 0 ? dw : 0);
            first = first < area ? first : area;
            end = end > first ? end : first;
            for (var i = 0; i < first; i++)
                col[target + i] = 0f;
            for (var i = first; i < end; i++)
                col[target + i] = input[source + i];
            for (var i = end; i < area; i++)
                col[target + i] = 0f;
            // Columns w with w + dw outside [0, W) in the copied rows.
            var edgeFirst = dw < 0 ? 0 : s.Width - dw;
            var edgeEnd = dw < 0 ? -dw : s.Width;
            for (var h = firstRow; h < endRow; h++)
                for (var w = edgeFirst; w < edgeEnd; w++)
                    col[target + h * s.Width + w] = 0f;
        }
    }

    // dy, y: (N, O, H, W)  dz: (O, N·H·W)   dz[o, n·HW + p] = dy[n,o,p] · [y[n,o,p] > 0] (no mask without ReLU)
    public static void Conv2dPreActivationGradient(ArrayView<float> dz, ArrayView<float> dOutput, ArrayView<float> output, Conv2dShape s)
    {
        var area = s.Height * s.Width;
        var planes = s.Batch * s.OutChannels;
        for (var plane = GridStride.Start; plane < planes; plane += GridStride.Step)
        {
            var n = plane % s.Batch;
            var o = plane / s.Batch;
            var target = (o * s.Batch + n) * area;
            var source = (n * s.OutChannels + o) * area;
            for (var p = 0; p < area; p++)
                dz[target + p] = PreActivationGradient(dOutput, output, source + p, s);
        }
    }

    // dcol: (C·K·K, N·H·W)  dx: (N, C, H, W)   dx[n,c,h,w] = Σ_kh Σ_kw dcol[(c,kh,kw), n·HW + (h-kh+P)·W + (w-kw+P)]
    // One work item per input plane (n, c): the plane starts at 0 and each tap adds the dcol entries whose
    // output position (h-kh+P, w-kw+P) is inside the image, so per element the taps add in (kh, kw) order.
    // A tap with kw = P shifts by whole rows: its entries are one contiguous run (a vectorised loop); the
    // others add one run per row. Consecutive work items take consecutive images of one channel: their runs
    // of dcol are adjacent, so each of the K·K tap rows is read as one forward stream (45% faster on PoCL
    // than channel after channel, which jumps between tap rows; docs/optimisation-log.md #31).
    public static void Conv2dCol2Im(ArrayView<float> dInput, ArrayView<float> dcol, Conv2dShape s)
    {
        var area = s.Height * s.Width;
        var planes = s.Batch * s.InChannels;
        for (var plane = GridStride.Start; plane < planes; plane += GridStride.Step)
        {
            var n = plane % s.Batch;
            var c = plane / s.Batch;
            var target = (n * s.InChannels + c) * area;
            for (var i = 0; i < area; i++)
                dInput[target + i] = 0f;
            for (var kh = 0; kh < s.Kernel; kh++)
            {
                // Rows h whose output row h - kh + P is inside the image.
                var shiftRows = s.PadBefore - kh;
                var firstRow = shiftRows < 0 ? -shiftRows : 0;
                var endRow = shiftRows > 0 ? s.Height - shiftRows : s.Height;
                for (var kw = 0; kw < s.Kernel; kw++)
                {
                    var shift = s.PadBefore - kw;
                    var source = ((c * s.Kernel + kh) * s.Kernel + kw) * s.Positions + n * area + shiftRows * s.Width + shift;
                    if (shift == 0)
                    {
                        for (var i = firstRow * s.Width; i < endRow * s.Width; i++)
                            dInput[target + i] += dcol[source + i];
                        continue;
                    }
                    var first = shift < 0 ? -shift : 0;
                    var end = shift > 0 ? s.Width - shift : s.Width;
                    for (var h = firstRow; h < endRow; h++)
                        for (var w = first; w < end; w++)
                            dInput[target + h * s.Width + w] += dcol[source + h * s.Width + w];
                }
            }
        }
    }

    // dy, y: (N, O, H, W)  dzT: (N·H·W, O)   dzT[n·HW + p, o] = dy[n,o,p] · [y[n,o,p] > 0]: the weight gradient's B operand
    public static void Conv2dPreActivationGradientTransposed(ArrayView<float> dzT, ArrayView<float> dOutput, ArrayView<float> output, Conv2dShape s)
    {
        var area = s.Height * s.Width;
        for (var j = GridStride.Start; j < s.Positions; j += GridStride.Step)
        {
            var n = j / area;
            var source = n * s.OutChannels * area + j - n * area;
            for (var o = 0; o < s.OutChannels; o++)
                dzT[j * s.OutChannels + o] = PreActivationGradient(dOutput, output, source + o * area, s);
        }
    }

    // When a 2×2 max-pool follows (its shape: (N, O, H/2, W/2)), dy is dPooled at each window's argmax and 0
    // elsewhere, and y at the argmax is the pooled value; so dz comes from the pool's small tensors, and the
    // pool's full-size dy is never written. Same values, bit for bit, as the pool's backward then the kernels above.
    // The tests are combined with & and |, not branches: the argmax test holds for one position in four, a branch
    // the CPU would mispredict.

    // dPooled, pooled, argmax: (N, O, H/2, W/2)  dzT: (N·H·W, O)
    // One work item per row of windows (n, ph): per channel it reads the row's pool values as contiguous runs
    // and writes each window's four positions. Positions in no window (an odd last row or column) are zeroed
    // beforehand by the op.
    public static void Conv2dPooledPreActivationGradientTransposed(ArrayView<float> dzT, ArrayView<float> dPooled,
        ArrayView<float> pooled, ArrayView<int> argmax, Conv2dShape s)
    {
        var area = s.Height * s.Width;
        var (pooledHeight, pooledWidth) = (s.Height / 2, s.Width / 2);
        var pooledArea = pooledHeight * pooledWidth;
        for (var i = GridStride.Start; i < s.Batch * pooledHeight; i += GridStride.Step)
        {
            var n = i / pooledHeight;
            var ph = i - n * pooledHeight;
            var row = (n * area + 2 * ph * s.Width) * s.OutChannels;
            var below = row + s.Width * s.OutChannels;
            for (var o = 0; o < s.OutChannels; o++)
            {
                var windows = (n * s.OutChannels + o) * pooledArea + ph * pooledWidth;
                var first = (n * s.OutChannels + o) * area + 2 * ph * s.Width;
                var kept = s.Relu == 0;
                for (var pw = 0; pw < pooledWidth; pw++)
                {
                    var gradient = dPooled[windows + pw];
                    var best = argmax[windows + pw] - (first + 2 * pw);
                    var keep = kept | (pooled[windows + pw] > 0f);
                    var column = 2 * pw * s.OutChannels + o;
                    dzT[row + column] = keep & (best == 0) ? gradient : 0f;
                    dzT[row + column + s.OutChannels] = keep & (best == 1) ? gradient : 0f;
                    dzT[below + column] = keep & (best == s.Width) ? gradient : 0f;
                    dzT[below + column + s.OutChannels] = keep & (best == s.Width + 1) ? gradient : 0f;
                }
            }
        }
    }

    // dPooled, pooled, argmax: (N, O, H/2, W/2)  dz: (O, N·H·W)
    public static void Conv2dPooledPreActivationGradient(ArrayView<float> dz, ArrayView<float> dPooled,
        ArrayView<float> pooled, ArrayView<int> argmax, Conv2dShape s)
    {
        // One work item per row of windows (o, n, ph): each window reads the pool's three values once and writes
        // its four positions, two in each of the rows 2ph and 2ph+1. An odd last row or column is zeroed by the op.
        var area = s.Height * s.Width;
        var (pooledHeight, pooledWidth) = (s.Height / 2, s.Width / 2);
        var windowRows = s.OutChannels * s.Batch * pooledHeight;
        for (var r = GridStride.Start; r < windowRows; r += GridStride.Step)
        {
            var ph = r % pooledHeight;
            var n = r / pooledHeight % s.Batch;
            var o = r / (pooledHeight * s.Batch);
            var target = (o * s.Batch + n) * area + 2 * ph * s.Width;
            var first = (n * s.OutChannels + o) * area + 2 * ph * s.Width;
            var windows = ((n * s.OutChannels + o) * pooledHeight + ph) * pooledWidth;
            var kept = s.Relu == 0;
            for (var pw = 0; pw < pooledWidth; pw++)
            {
                var gradient = dPooled[windows + pw];
                var best = argmax[windows + pw] - (first + 2 * pw);
                var keep = kept | (pooled[windows + pw] > 0f);
                var column = target + 2 * pw;
                dz[column] = keep & (best == 0) ? gradient : 0f;
                dz[column + 1] = keep & (best == 1) ? gradient : 0f;
                dz[column + s.Width] = keep & (best == s.Width) ? gradient : 0f;
                dz[column + s.Width + 1] = keep & (best == s.Width + 1) ? gradient : 0f;
            }
        }
    }

    private static float PreActivationGradient(ArrayView<float> dOutput, ArrayView<float> output, int index, Conv2dShape s) =>
        s.Relu != 0 && output[index] <= 0f ? 0f : dOutput[index];
}
// Stryker restore all

/// <summary>
/// The convolution on one device, each call by the paths of a <see cref="Conv2dPlan"/> (<see cref="Plan"/>: this device's,
/// made once per shape). The caller owns the column matrix (the forward writes it, the backward reads it); dz, dzT, the
/// column matrix's gradient and the shifted runs' tables live in scratch buffers this op owns.
/// </summary>
public sealed class Conv2d(ComputeDevice device) : IDisposable
{
    private readonly Gemm gemm = new(device);
    private readonly ScratchBuffer columnGradients = new(device), preActivation = new(device), preActivationTransposed = new(device),
        planeSums = new(device), edgeTable = new(device), channelMajorInput = new(device);
    private readonly BiasGradient biasGradient = new(device);
    private readonly Fill fill = new(device);
    private readonly ConcurrentDictionary<PlanKey, Conv2dPlan> plans = new();

    // The shape's numbers: a record struct of ints compares without boxing (a struct key would box, a tuple of eight its last), so a lookup allocates nothing.
    private readonly record struct PlanKey(int Batch, int InChannels, int Height, int Width, int OutChannels, int Kernel, int Relu, bool Pooled);

    /// <summary>The device's one instance, so its scratch buffers are allocated once per device.</summary>
    public static Conv2d On(ComputeDevice device) => device.Op(static d => new Conv2d(d));

    /// <summary>
    /// This device's plan for <paramref name="s"/> (<paramref name="pooled"/>: a 2×2 max-pool follows), made on its first use
    /// and kept; a few images are inferred by row until the tiles' kernel is generated (<see cref="Conv2dPlan.MaxImagesByRow"/>).
    /// </summary>
    public Conv2dPlan Plan(Conv2dShape s, bool pooled = false) =>
        plans.GetOrAdd(new PlanKey(s.Batch, s.InChannels, s.Height, s.Width, s.OutChannels, s.Kernel, s.Relu, pooled),
            static (_, made) => Conv2dPlan.For(made.device.Info, made.Shape, made.Pooled,
                tilesGenerated: made.device.HasLoaded(Conv2dKernels.Conv2dShiftedRuns)), (device, Shape: s, Pooled: pooled));

    // x: (N, C, H, W)  w: (O, C, K, K)  b: (O)  y: (N, O, H, W)  col: (C·K·K, N·H·W), written here for the backward
    public void Forward(ArrayView<float> output, ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias,
        ArrayView<float> col, Conv2dPlan plan)
    {
        var s = plan.Shape;
        device.Run(Conv2dKernels.Conv2dIm2Col, device.Launch((long)s.Taps * s.Batch), col, input, s);
        // y (O×NHW, stored NCHW) = act(W (O×CKK) · col (CKK×NHW) + b)
        gemm.Run(output, weight, col, bias, plan.Forward);
    }

    /// <summary>The forward when no backward follows, by the plan's inference path; <paramref name="col"/> is the im2col path's scratch.</summary>
    public void Infer(ArrayView<float> output, ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias,
        ArrayView<float> col, Conv2dPlan plan)
    {
        if (plan.Inference == ConvInferencePath.Im2ColGemm)
        {
            Forward(output, input, weight, bias, col, plan);
            return;
        }
        var s = plan.Shape;
        var t = ShiftedRunsShape.Forward(s);
        var source = channelMajorInput.Get(t.SourceLength);
        device.Run(Conv2dKernels.Conv2dChannelMajor, device.Launch((long)s.Batch * s.InChannels), source, input, s, t.Margin);
        if (plan.Inference == ConvInferencePath.ShiftedRuns)
        {
            ShiftedRuns(output, weight, bias, source, t);
            return;
        }
        var edges = Edges(t);
        device.Run(Conv2dKernels.Conv2dShiftedRunsByRow, device.LaunchTiles(t.RowRuns), output, weight, bias, source, edges, t);
    }

    // col: as the forward of this input left it  w: (O, C, K, K)  dx: (N, C, H, W) or empty  dw: (O, C, K, K)  db: (O)
    public void Backward(ArrayView<float> dInput, ArrayView<float> dWeight, ArrayView<float> dBias, ConvOutputGradient gradient,
        ArrayView<float> col, ArrayView<float> weight, Conv2dPlan plan)
    {
        var s = plan.Shape;
        if (plan.WeightGradient == ConvWeightGradientPath.PooledSums)
            ParameterGradientsFromPool(dWeight, dBias, gradient, col, s);
        else
            ParameterGradients(dWeight, dBias, gradient, col, plan);
        if (dInput.Length == 0)
            return;
        var direct = plan.InputGradient == ConvInputGradientPath.ShiftedRuns;
        var t = ShiftedRunsShape.InputGradient(s);
        var margin = direct ? t.Margin : 0;
        var dzPadded = preActivation.Get(s.OutputLength + 2L * margin);
        var dz = dzPadded.SubView(margin, s.OutputLength);
        if (gradient.ThroughPool)
            FromPool(dz, Conv2dKernels.Conv2dPooledPreActivationGradient, (long)s.OutChannels * s.Batch * (s.Height / 2), gradient, s);
        else
            device.Run(Conv2dKernels.Conv2dPreActivationGradient, device.Launch((long)s.Batch * s.OutChannels), dz,
                gradient.Gradient, gradient.Values, s);
        if (direct)
        {
            // Each tile of dx sums its taps' shifted runs of dz in registers.
            ShiftedRuns(dInput, weight, weight, dzPadded, t);
            return;
        }
        // dcol (CKK×NHW) = Wᵀ (CKK×O) · dz (O×NHW), then each input element sums its K×K entries of dcol
        var dcol = columnGradients.Get(s.ColumnsLength);
        gemm.Run(dcol, weight, dz, dcol, plan.InputGradientProduct!);
        device.Run(Conv2dKernels.Conv2dCol2Im, device.Launch((long)s.Batch * s.InChannels), dInput, dcol, s);
    }

    // The bias is read only by the forward's epilogue (the input gradient passes any view).
    private void ShiftedRuns(ArrayView<float> output, ArrayView<float> weight, ArrayView<float> bias, ArrayView<float> sourcePadded,
        ShiftedRunsShape t)
    {
        device.Run(Conv2dKernels.Conv2dShiftedRuns, device.LaunchTiles(t.Tiles), output, weight, bias, sourcePadded, Edges(t), t);
    }

    private ArrayView<float> Edges(ShiftedRunsShape t)
    {
        var edges = edgeTable.Get(t.EdgeLength);
        device.Run(Conv2dKernels.Conv2dShiftedRunsEdges, device.Launch(t.EdgeLength), edges, t);
        return edges;
    }

    private void ParameterGradients(ArrayView<float> dWeight, ArrayView<float> dBias, ConvOutputGradient gradient,
        ArrayView<float> col, Conv2dPlan plan)
    {
        var s = plan.Shape;
        var dzT = preActivationTransposed.Get(s.OutputLength);
        if (gradient.ThroughPool)
            FromPool(dzT, Conv2dKernels.Conv2dPooledPreActivationGradientTransposed, (long)s.Batch * (s.Height / 2), gradient, s);
        else
            device.Run(Conv2dKernels.Conv2dPreActivationGradientTransposed, device.Launch(s.Positions), dzT,
                gradient.Gradient, gradient.Values, s);
        biasGradient.Accumulate(dBias, dzT, new BiasGradientShape(s.Positions, s.OutChannels));
        // dWᵀ (CKK×O) += col (CKK×NHW) · dzT (NHW×O), stored transposed into dW (O×CKK)
        gemm.Run(dWeight, col, dzT, dWeight, plan.WeightGradientProduct!);
    }

    private void ParameterGradientsFromPool(ArrayView<float> dWeight, ArrayView<float> dBias, ConvOutputGradient gradient,
        ArrayView<float> col, Conv2dShape s)
    {
        if (!gradient.ThroughPool)
            throw new ArgumentException("the plan sums dW from a following max-pool's tensors, but this gradient comes without one", nameof(gradient));
        var sums = planeSums.Get((long)s.Batch * s.OutChannels * (s.Taps + 1));
        device.Run(Conv2dKernels.Conv2dPooledWeightGradientPartials, device.Launch((long)s.Batch * s.OutChannels), sums,
            gradient.Gradient, gradient.Values, gradient.Argmax, col, s);
        device.Run(Conv2dKernels.Conv2dPooledWeightGradientAccumulate, device.Launch(s.OutChannels * (s.Taps + 1)), dWeight,
            dBias, sums, s);
    }

    // dz or dzT from the pool's tensors, one work item per row of windows; with an odd height or width some
    // positions are in no window, and the kernels leave them to this zero fill.
    private void FromPool(ArrayView<float> target,
        Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, Conv2dShape> kernel, long windowRows,
        ConvOutputGradient gradient, Conv2dShape s)
    {
        if (s.Height % 2 != 0 || s.Width % 2 != 0)
            fill.Zero(target);
        device.Run(kernel, device.Launch(windowRows), target, gradient.Gradient, gradient.Values, gradient.Argmax, s);
    }

    public void Dispose()
    {
        gemm.Dispose();
        biasGradient.Dispose();
        foreach (var buffer in new[] { columnGradients, preActivation, preActivationTransposed, planeSums, edgeTable, channelMajorInput })
            buffer.Dispose();
    }
}

/// <summary>
/// What the convolution's backward starts from: dy and y (N, O, H, W) of the convolution itself, or, when a
/// 2×2 max-pool follows it, that pool's gradient, output and argmax (N, O, H/2, W/2) (<see cref="MaxPool2d"/>).
/// </summary>
public readonly record struct ConvOutputGradient(ArrayView<float> Gradient, ArrayView<float> Values, ArrayView<int> Argmax)
{
    public static ConvOutputGradient Of(ArrayView<float> dOutput, ArrayView<float> output) => new(dOutput, output, ArrayView<int>.Empty);

    public static ConvOutputGradient ThroughMaxPool(ArrayView<float> dPooled, ArrayView<float> pooled, ArrayView<int> argmax) =>
        new(dPooled, pooled, argmax);

    public bool ThroughPool => Argmax.Length > 0;
}
