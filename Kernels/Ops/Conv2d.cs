using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

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

    public int InputLength => Batch * InChannels * Height * Width;
    public int OutputLength => Batch * OutChannels * Height * Width;
    public int WeightLength => OutChannels * InChannels * Kernel * Kernel;
}

/// <summary>
/// 2-D convolution (cross-correlation, as every framework computes it), stride 1, same padding:
/// y[n,o,h,w] = act(b[o] + Σ_c Σ_kh Σ_kw w[o,c,kh,kw] x[n,c,h+kh-P,w+kw-P]), x outside the image = 0.
/// Gradient rule: dWeight and dBias accumulate (+=), so the two twin branches add into one buffer;
/// dInput is assigned (=). With the fused ReLU, dz = dy · [y &gt; 0] is formed on the fly.
/// Loops run only over the taps that fall inside the image, so no padded copy of x is ever made.
/// </summary>
public static class Conv2d
{
    // x: (N, C, H, W)  w: (O, C, K, K)  b: (O)  y: (N, O, H, W)
    public static void Conv2dForward(ArrayView<float> output, ArrayView<float> input, ArrayView<float> weight,
        ArrayView<float> bias, Conv2dShape s)
    {
        for (var i = GridStride.Start; i < s.OutputLength; i += GridStride.Step)
        {
            var w = i % s.Width;
            var h = i / s.Width % s.Height;
            var o = i / (s.Width * s.Height) % s.OutChannels;
            var n = i / (s.Width * s.Height * s.OutChannels);
            // Taps kh with 0 <= h + kh - P < H, likewise kw.
            var khFirst = s.PadBefore - h > 0 ? s.PadBefore - h : 0;
            var khEnd = s.Height + s.PadBefore - h < s.Kernel ? s.Height + s.PadBefore - h : s.Kernel;
            var kwFirst = s.PadBefore - w > 0 ? s.PadBefore - w : 0;
            var kwEnd = s.Width + s.PadBefore - w < s.Kernel ? s.Width + s.PadBefore - w : s.Kernel;
            var sum = bias[o];
            for (var c = 0; c < s.InChannels; c++)
            {
                var plane = (n * s.InChannels + c) * s.Height;
                var taps = (o * s.InChannels + c) * s.Kernel;
                for (var kh = khFirst; kh < khEnd; kh++)
                {
                    var row = (plane + h + kh - s.PadBefore) * s.Width + w - s.PadBefore;
                    var tap = (taps + kh) * s.Kernel;
                    for (var kw = kwFirst; kw < kwEnd; kw++)
                        sum += weight[tap + kw] * input[row + kw];
                }
            }
            output[i] = s.Relu != 0 && sum < 0f ? 0f : sum;
        }
    }

    private static float PreActivationGradient(ArrayView<float> dOutput, ArrayView<float> output, int index, Conv2dShape s) =>
        s.Relu != 0 && output[index] <= 0f ? 0f : dOutput[index];

    // dy: (N, O, H, W)  w: (O, C, K, K)  dx: (N, C, H, W)   dx[n,c,h,w] = Σ_o Σ_kh Σ_kw dz[n,o,h-kh+P,w-kw+P] w[o,c,kh,kw]
    public static void Conv2dBackwardInput(ArrayView<float> dInput, ArrayView<float> dOutput, ArrayView<float> output,
        ArrayView<float> weight, Conv2dShape s)
    {
        for (var i = GridStride.Start; i < s.InputLength; i += GridStride.Step)
        {
            var w = i % s.Width;
            var h = i / s.Width % s.Height;
            var c = i / (s.Width * s.Height) % s.InChannels;
            var n = i / (s.Width * s.Height * s.InChannels);
            // Taps kh whose output row h - kh + P lies in [0, H), likewise kw.
            var khFirst = h + s.PadBefore - s.Height + 1 > 0 ? h + s.PadBefore - s.Height + 1 : 0;
            var khEnd = h + s.PadBefore + 1 < s.Kernel ? h + s.PadBefore + 1 : s.Kernel;
            var kwFirst = w + s.PadBefore - s.Width + 1 > 0 ? w + s.PadBefore - s.Width + 1 : 0;
            var kwEnd = w + s.PadBefore + 1 < s.Kernel ? w + s.PadBefore + 1 : s.Kernel;
            var sum = 0f;
            for (var o = 0; o < s.OutChannels; o++)
            {
                var plane = (n * s.OutChannels + o) * s.Height;
                var taps = (o * s.InChannels + c) * s.Kernel;
                for (var kh = khFirst; kh < khEnd; kh++)
                {
                    var row = (plane + h - kh + s.PadBefore) * s.Width + w + s.PadBefore;
                    var tap = (taps + kh) * s.Kernel;
                    for (var kw = kwFirst; kw < kwEnd; kw++)
                        sum += PreActivationGradient(dOutput, output, row - kw, s) * weight[tap + kw];
                }
            }
            dInput[i] = sum;
        }
    }

    // dy: (N, O, H, W)  x: (N, C, H, W)  dw: (O, C, K, K)   dw[o,c,kh,kw] += Σ_n Σ_h Σ_w dz[n,o,h,w] x[n,c,h+kh-P,w+kw-P]
    public static void Conv2dBackwardWeight(ArrayView<float> dWeight, ArrayView<float> dOutput, ArrayView<float> output,
        ArrayView<float> input, Conv2dShape s)
    {
        for (var i = GridStride.Start; i < s.WeightLength; i += GridStride.Step)
        {
            var kw = i % s.Kernel;
            var kh = i / s.Kernel % s.Kernel;
            var c = i / (s.Kernel * s.Kernel) % s.InChannels;
            var o = i / (s.Kernel * s.Kernel * s.InChannels);
            // Output positions h whose input row h + kh - P lies in [0, H), likewise w.
            var hFirst = s.PadBefore - kh > 0 ? s.PadBefore - kh : 0;
            var hEnd = s.Height + s.PadBefore - kh < s.Height ? s.Height + s.PadBefore - kh : s.Height;
            var wFirst = s.PadBefore - kw > 0 ? s.PadBefore - kw : 0;
            var wEnd = s.Width + s.PadBefore - kw < s.Width ? s.Width + s.PadBefore - kw : s.Width;
            var sum = 0f;
            for (var n = 0; n < s.Batch; n++)
            {
                var outPlane = (n * s.OutChannels + o) * s.Height;
                var inPlane = (n * s.InChannels + c) * s.Height;
                for (var h = hFirst; h < hEnd; h++)
                {
                    var outRow = (outPlane + h) * s.Width;
                    var inRow = (inPlane + h + kh - s.PadBefore) * s.Width + kw - s.PadBefore;
                    for (var w = wFirst; w < wEnd; w++)
                        sum += PreActivationGradient(dOutput, output, outRow + w, s) * input[inRow + w];
                }
            }
            dWeight[i] += sum;
        }
    }

    // dy: (N, O, H, W)  db: (O)   db[o] += Σ_n Σ_h Σ_w dz[n,o,h,w]
    public static void Conv2dBackwardBias(ArrayView<float> dBias, ArrayView<float> dOutput, ArrayView<float> output,
        Conv2dShape s)
    {
        var area = s.Height * s.Width;
        for (var o = GridStride.Start; o < s.OutChannels; o += GridStride.Step)
        {
            var sum = 0f;
            for (var n = 0; n < s.Batch; n++)
            {
                var plane = (n * s.OutChannels + o) * area;
                for (var p = 0; p < area; p++)
                    sum += PreActivationGradient(dOutput, output, plane + p, s);
            }
            dBias[o] += sum;
        }
    }

    // ---- im2col: the convolution as a matrix product (Conv2dAlgorithm.Im2ColGemm) ----
    // j = n·H·W + h·W + w runs over every output position of the batch; ck = (c·K + kh)·K + kw over the taps.
    // Each work item writes a whole row (W or C·K·K consecutive elements): integer divisions cost tens of
    // cycles on a CPU, so they are paid once per row, not once per element.

    // x: (N, C, H, W)  col: (C·K·K, N·H·W)   col[ck, j] = x[n, c, h+kh-P, w+kw-P], 0 outside the image
    public static void Conv2dIm2Col(ArrayView<float> col, ArrayView<float> input, Conv2dShape s)
    {
        var rows = s.InChannels * s.Kernel * s.Kernel * s.Batch * s.Height;
        var positions = s.Batch * s.Height * s.Width;
        for (var r = GridStride.Start; r < rows; r += GridStride.Step)
        {
            var h = r % s.Height;
            var n = r / s.Height % s.Batch;
            var ck = r / (s.Height * s.Batch);
            var kw = ck % s.Kernel;
            var kh = ck / s.Kernel % s.Kernel;
            var c = ck / (s.Kernel * s.Kernel);
            var target = ck * positions + (n * s.Height + h) * s.Width;
            var ih = h + kh - s.PadBefore;
            if (ih < 0 || ih >= s.Height)
            {
                for (var w = 0; w < s.Width; w++)
                    col[target + w] = 0f;
                continue;
            }
            var source = ((n * s.InChannels + c) * s.Height + ih) * s.Width + kw - s.PadBefore;
            for (var w = 0; w < s.Width; w++)
            {
                var iw = w + kw - s.PadBefore;
                col[target + w] = iw >= 0 && iw < s.Width ? input[source + w] : 0f;
            }
        }
    }

    // x: (N, C, H, W)  colT: (N·H·W, C·K·K)   colT[j, ck] = col[ck, j]
    public static void Conv2dIm2ColTransposed(ArrayView<float> colT, ArrayView<float> input, Conv2dShape s)
    {
        var taps = s.InChannels * s.Kernel * s.Kernel;
        var positions = s.Batch * s.Height * s.Width;
        for (var j = GridStride.Start; j < positions; j += GridStride.Step)
        {
            var w = j % s.Width;
            var h = j / s.Width % s.Height;
            var n = j / (s.Width * s.Height);
            var target = j * taps;
            for (var c = 0; c < s.InChannels; c++)
            {
                var plane = (n * s.InChannels + c) * s.Height;
                for (var kh = 0; kh < s.Kernel; kh++)
                {
                    var ih = h + kh - s.PadBefore;
                    var inside = ih >= 0 && ih < s.Height;
                    var row = (plane + ih) * s.Width + w - s.PadBefore;
                    for (var kw = 0; kw < s.Kernel; kw++)
                    {
                        var iw = w + kw - s.PadBefore;
                        colT[target + (c * s.Kernel + kh) * s.Kernel + kw] = inside && iw >= 0 && iw < s.Width ? input[row + kw] : 0f;
                    }
                }
            }
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
    public static void Conv2dCol2Im(ArrayView<float> dInput, ArrayView<float> dcol, Conv2dShape s)
    {
        var area = s.Height * s.Width;
        var positions = s.Batch * area;
        var rows = s.Batch * s.InChannels * s.Height;
        for (var r = GridStride.Start; r < rows; r += GridStride.Step)
        {
            var h = r % s.Height;
            var c = r / s.Height % s.InChannels;
            var n = r / (s.Height * s.InChannels);
            var khFirst = h + s.PadBefore - s.Height + 1 > 0 ? h + s.PadBefore - s.Height + 1 : 0;
            var khEnd = h + s.PadBefore + 1 < s.Kernel ? h + s.PadBefore + 1 : s.Kernel;
            for (var w = 0; w < s.Width; w++)
            {
                var kwFirst = w + s.PadBefore - s.Width + 1 > 0 ? w + s.PadBefore - s.Width + 1 : 0;
                var kwEnd = w + s.PadBefore + 1 < s.Kernel ? w + s.PadBefore + 1 : s.Kernel;
                var sum = 0f;
                for (var kh = khFirst; kh < khEnd; kh++)
                {
                    var source = (c * s.Kernel + kh) * s.Kernel * positions + n * area + (h - kh + s.PadBefore) * s.Width + w + s.PadBefore;
                    for (var kw = kwFirst; kw < kwEnd; kw++)
                        sum += dcol[source + kw * positions - kw];
                }
                dInput[r * s.Width + w] = sum;
            }
        }
    }
}

/// <summary>How the convolution launchers compute: see <see cref="Conv2dLaunchers"/>.</summary>
public enum Conv2dAlgorithm
{
    /// <summary>One work item per output element (gather): the original kernels, kept as the simple baseline.</summary>
    Direct,

    /// <summary>im2col into a scratch matrix, then the register-tiled <see cref="Gemm.GemmTiled"/>.</summary>
    Im2ColGemm,
}

/// <summary>
/// The convolution kernels loaded on one device. Each public method runs the device's default
/// <see cref="Algorithm"/>; the overloads taking a <see cref="Conv2dAlgorithm"/> force one (tests run both).
/// Im2ColGemm: forward = W (O×CKK) · col (CKK×NHW); weight gradient = dz (O×NHW) · colᵀ (NHW×CKK);
/// input gradient = Wᵀ · dz into dcol (CKK×NHW), then col2im. Scratch matrices are owned here and grow
/// only when a larger shape first appears.
/// </summary>
public sealed class Conv2dLaunchers
{
    private readonly ComputeDevice device;
    private readonly GemmLaunchers gemm;
    private readonly ScratchBuffer columns, gradients;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape> forward;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape> backwardInput;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape> backwardWeight;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape> backwardBias;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, Conv2dShape> im2col, im2colTransposed, col2im;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape> preActivationGradient;

    /// <summary>The algorithm the public methods without one use: im2col + GEMM on every backend (measured faster on PoCL and on the CPU accelerator: docs/performance.md).</summary>
    public Conv2dAlgorithm Algorithm { get; }

    private Conv2dLaunchers(ComputeDevice device)
    {
        this.device = device;
        var a = device.Accelerator;
        gemm = GemmLaunchers.On(device);
        columns = new ScratchBuffer(device);
        gradients = new ScratchBuffer(device);
        Algorithm = Conv2dAlgorithm.Im2ColGemm;
        forward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape>(Conv2d.Conv2dForward);
        backwardInput = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape>(Conv2d.Conv2dBackwardInput);
        backwardWeight = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape>(Conv2d.Conv2dBackwardWeight);
        backwardBias = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape>(Conv2d.Conv2dBackwardBias);
        im2col = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, Conv2dShape>(Conv2d.Conv2dIm2Col);
        im2colTransposed = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, Conv2dShape>(Conv2d.Conv2dIm2ColTransposed);
        col2im = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, Conv2dShape>(Conv2d.Conv2dCol2Im);
        preActivationGradient = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, Conv2dShape>(Conv2d.Conv2dPreActivationGradient);
    }

    public static Conv2dLaunchers On(ComputeDevice device) => device.Kernels(static d => new Conv2dLaunchers(d));

    private static int Taps(Conv2dShape s) => s.InChannels * s.Kernel * s.Kernel;

    private static int Positions(Conv2dShape s) => s.Batch * s.Height * s.Width;

    public void Forward(ArrayView<float> output, ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias, Conv2dShape s) =>
        Forward(output, input, weight, bias, s, Algorithm);

    public void Forward(ArrayView<float> output, ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias, Conv2dShape s, Conv2dAlgorithm algorithm)
    {
        if (algorithm == Conv2dAlgorithm.Direct)
        {
            forward(device.Launch(s.OutputLength), output, input, weight, bias, s);
            return;
        }
        var col = columns.Get((long)Taps(s) * Positions(s));
        im2col(device.Launch((long)Taps(s) * s.Batch * s.Height), col, input, s);
        gemm.Run(output, weight, col, bias, new GemmShape(s.OutChannels, Positions(s), Taps(s), Taps(s), 1, Positions(s),
            GemmEpilogue.BiasActivationNchw, 0, 0, s.Relu != 0, area: s.Height * s.Width));
    }

    public void BackwardInput(ArrayView<float> dInput, ArrayView<float> dOutput, ArrayView<float> output, ArrayView<float> weight, Conv2dShape s) =>
        BackwardInput(dInput, dOutput, output, weight, s, Algorithm);

    public void BackwardInput(ArrayView<float> dInput, ArrayView<float> dOutput, ArrayView<float> output, ArrayView<float> weight, Conv2dShape s, Conv2dAlgorithm algorithm)
    {
        if (algorithm == Conv2dAlgorithm.Direct)
        {
            backwardInput(device.Launch(s.InputLength), dInput, dOutput, output, weight, s);
            return;
        }
        var dz = gradients.Get(s.OutputLength);
        preActivationGradient(device.Launch((long)s.Batch * s.OutChannels), dz, dOutput, output, s);
        var dcol = columns.Get((long)Taps(s) * Positions(s));
        // dcol (CKK×NHW) = Wᵀ (CKK×O) · dz (O×NHW)
        gemm.Run(dcol, weight, dz, dcol, new GemmShape(Taps(s), Positions(s), s.OutChannels, 1, Taps(s), Positions(s),
            GemmEpilogue.Store, Positions(s), 1));
        col2im(device.Launch((long)s.Batch * s.InChannels * s.Height), dInput, dcol, s);
    }

    public void BackwardWeight(ArrayView<float> dWeight, ArrayView<float> dOutput, ArrayView<float> output, ArrayView<float> input, Conv2dShape s) =>
        BackwardWeight(dWeight, dOutput, output, input, s, Algorithm);

    public void BackwardWeight(ArrayView<float> dWeight, ArrayView<float> dOutput, ArrayView<float> output, ArrayView<float> input, Conv2dShape s, Conv2dAlgorithm algorithm)
    {
        if (algorithm == Conv2dAlgorithm.Direct)
        {
            backwardWeight(device.Launch(s.WeightLength), dWeight, dOutput, output, input, s);
            return;
        }
        var dz = gradients.Get(s.OutputLength);
        preActivationGradient(device.Launch((long)s.Batch * s.OutChannels), dz, dOutput, output, s);
        var colT = columns.Get((long)Taps(s) * Positions(s));
        im2colTransposed(device.Launch(Positions(s)), colT, input, s);
        // dW (O×CKK) += dz (O×NHW) · colᵀ (NHW×CKK)
        gemm.Run(dWeight, dz, colT, dWeight, new GemmShape(s.OutChannels, Taps(s), Positions(s), Positions(s), 1, Taps(s),
            GemmEpilogue.Accumulate, Taps(s), 1));
    }

    public void BackwardBias(ArrayView<float> dBias, ArrayView<float> dOutput, ArrayView<float> output, Conv2dShape s) =>
        backwardBias(device.Launch(s.OutChannels), dBias, dOutput, output, s);
}
