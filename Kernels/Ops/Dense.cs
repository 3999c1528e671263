using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>x: (N, In)  w: (Out, In)  b: (Out)  y: (N, Out); Relu = 1 fuses max(0, ·) into the output.</summary>
public readonly struct DenseShape(int batch, int inputs, int outputs, bool relu)
{
    public readonly int Batch = batch;
    public readonly int Inputs = inputs;
    public readonly int Outputs = outputs;
    public readonly int Relu = relu ? 1 : 0;

    public int InputLength => Batch * Inputs;
    public int OutputLength => Batch * Outputs;
    public int WeightLength => Outputs * Inputs;
}

/// <summary>
/// Fully connected layer: y[n,o] = act(b[o] + Σ_i w[o,i] x[n,i]).
/// Gradient rule: dWeight and dBias accumulate (+=), so the two twin branches add into one buffer;
/// dInput is assigned (=). With the fused ReLU, dz = dy · [y &gt; 0] is formed on the fly.
/// </summary>
public static class Dense
{
    // x: (N, In)  w: (Out, In)  b: (Out)  y: (N, Out)
    public static void DenseForward(ArrayView<float> output, ArrayView<float> input, ArrayView<float> weight,
        ArrayView<float> bias, DenseShape s)
    {
        for (var i = GridStride.Start; i < s.OutputLength; i += GridStride.Step)
        {
            var n = i / s.Outputs;
            var o = i - n * s.Outputs;
            var sum = bias[o];
            var x = n * s.Inputs;
            var w = o * s.Inputs;
            for (var k = 0; k < s.Inputs; k++)
                sum += weight[w + k] * input[x + k];
            output[i] = s.Relu != 0 && sum < 0f ? 0f : sum;
        }
    }

    private static float PreActivationGradient(ArrayView<float> dOutput, ArrayView<float> output, int index, DenseShape s) =>
        s.Relu != 0 && output[index] <= 0f ? 0f : dOutput[index];

    // dy: (N, Out)  w: (Out, In)  dx: (N, In)   dx[n,i] = Σ_o dz[n,o] w[o,i]
    public static void DenseBackwardInput(ArrayView<float> dInput, ArrayView<float> dOutput, ArrayView<float> output,
        ArrayView<float> weight, DenseShape s)
    {
        for (var i = GridStride.Start; i < s.InputLength; i += GridStride.Step)
        {
            var n = i / s.Inputs;
            var k = i - n * s.Inputs;
            var sum = 0f;
            for (var o = 0; o < s.Outputs; o++)
                sum += PreActivationGradient(dOutput, output, n * s.Outputs + o, s) * weight[o * s.Inputs + k];
            dInput[i] = sum;
        }
    }

    // dy: (N, Out)  x: (N, In)  dw: (Out, In)   dw[o,i] += Σ_n dz[n,o] x[n,i]
    public static void DenseBackwardWeight(ArrayView<float> dWeight, ArrayView<float> dOutput, ArrayView<float> output,
        ArrayView<float> input, DenseShape s)
    {
        for (var i = GridStride.Start; i < s.WeightLength; i += GridStride.Step)
        {
            var o = i / s.Inputs;
            var k = i - o * s.Inputs;
            var sum = 0f;
            for (var n = 0; n < s.Batch; n++)
                sum += PreActivationGradient(dOutput, output, n * s.Outputs + o, s) * input[n * s.Inputs + k];
            dWeight[i] += sum;
        }
    }

    // dy: (N, Out)  db: (Out)   db[o] += Σ_n dz[n,o]
    public static void DenseBackwardBias(ArrayView<float> dBias, ArrayView<float> dOutput, ArrayView<float> output,
        DenseShape s)
    {
        for (var o = GridStride.Start; o < s.Outputs; o += GridStride.Step)
        {
            var sum = 0f;
            for (var n = 0; n < s.Batch; n++)
                sum += PreActivationGradient(dOutput, output, n * s.Outputs + o, s);
            dBias[o] += sum;
        }
    }

    // dy, y: (N, Out)  dz: (N, Out)   dz = dy · [y > 0] (a copy without ReLU): the GEMM variant's left operand
    public static void DensePreActivationGradient(ArrayView<float> dz, ArrayView<float> dOutput, ArrayView<float> output, DenseShape s)
    {
        for (var i = GridStride.Start; i < s.OutputLength; i += GridStride.Step)
            dz[i] = PreActivationGradient(dOutput, output, i, s);
    }
}

/// <summary>How the dense launchers compute: see <see cref="DenseLaunchers"/>.</summary>
public enum DenseAlgorithm
{
    /// <summary>One work item per output element, a dot product each: the original kernels, kept as the baseline.</summary>
    Direct,

    /// <summary>The register-tiled <see cref="Gemm.GemmTiled"/> (the forward reads a transposed copy of W).</summary>
    Gemm,
}

/// <summary>
/// The dense kernels loaded on one device. Each public method runs the device's default
/// <see cref="Algorithm"/>; the overloads taking a <see cref="DenseAlgorithm"/> force one (tests run both).
/// Gemm: forward = X (N×In) · Wᵀ (In×Out, a scratch copy); input gradient = dz (N×Out) · W (Out×In);
/// weight gradient += dzᵀ (Out×N) · X (N×In).
/// </summary>
public sealed class DenseLaunchers
{
    private readonly ComputeDevice device;
    private readonly GemmLaunchers gemm;
    private readonly ScratchBuffer transposed, gradients;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, DenseShape> forward;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, DenseShape> backwardInput;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, DenseShape> backwardWeight;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, DenseShape> backwardBias;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, DenseShape> preActivationGradient;

    /// <summary>The algorithm the public methods without one use: the GEMM on every backend (docs/performance.md).</summary>
    public DenseAlgorithm Algorithm { get; }

    private DenseLaunchers(ComputeDevice device)
    {
        this.device = device;
        var a = device.Accelerator;
        gemm = GemmLaunchers.On(device);
        transposed = new ScratchBuffer(device);
        gradients = new ScratchBuffer(device);
        Algorithm = DenseAlgorithm.Gemm;
        forward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, DenseShape>(Dense.DenseForward);
        backwardInput = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, DenseShape>(Dense.DenseBackwardInput);
        backwardWeight = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, DenseShape>(Dense.DenseBackwardWeight);
        backwardBias = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, DenseShape>(Dense.DenseBackwardBias);
        preActivationGradient = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, DenseShape>(Dense.DensePreActivationGradient);
    }

    public static DenseLaunchers On(ComputeDevice device) => device.Kernels(static d => new DenseLaunchers(d));

    public void Forward(ArrayView<float> output, ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias, DenseShape s) =>
        Forward(output, input, weight, bias, s, Algorithm);

    public void Forward(ArrayView<float> output, ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias, DenseShape s, DenseAlgorithm algorithm)
    {
        if (algorithm == DenseAlgorithm.Direct)
        {
            forward(device.Launch(s.OutputLength), output, input, weight, bias, s);
            return;
        }
        var wT = transposed.Get(s.WeightLength);
        gemm.TransposeMatrix(wT, weight, new TransposeShape(s.Outputs, s.Inputs));
        gemm.Run(output, input, wT, bias, new GemmShape(s.Batch, s.Outputs, s.Inputs, s.Inputs, 1, s.Outputs,
            GemmEpilogue.BiasActivation, s.Outputs, 1, s.Relu != 0, biasColStep: 1));
    }

    public void BackwardInput(ArrayView<float> dInput, ArrayView<float> dOutput, ArrayView<float> output, ArrayView<float> weight, DenseShape s) =>
        BackwardInput(dInput, dOutput, output, weight, s, Algorithm);

    public void BackwardInput(ArrayView<float> dInput, ArrayView<float> dOutput, ArrayView<float> output, ArrayView<float> weight, DenseShape s, DenseAlgorithm algorithm)
    {
        if (algorithm == DenseAlgorithm.Direct)
        {
            backwardInput(device.Launch(s.InputLength), dInput, dOutput, output, weight, s);
            return;
        }
        var dz = PreActivation(dOutput, output, s);
        gemm.Run(dInput, dz, weight, dInput, new GemmShape(s.Batch, s.Inputs, s.Outputs, s.Outputs, 1, s.Inputs,
            GemmEpilogue.Store, s.Inputs, 1));
    }

    public void BackwardWeight(ArrayView<float> dWeight, ArrayView<float> dOutput, ArrayView<float> output, ArrayView<float> input, DenseShape s) =>
        BackwardWeight(dWeight, dOutput, output, input, s, Algorithm);

    public void BackwardWeight(ArrayView<float> dWeight, ArrayView<float> dOutput, ArrayView<float> output, ArrayView<float> input, DenseShape s, DenseAlgorithm algorithm)
    {
        if (algorithm == DenseAlgorithm.Direct)
        {
            backwardWeight(device.Launch(s.WeightLength), dWeight, dOutput, output, input, s);
            return;
        }
        var dz = PreActivation(dOutput, output, s);
        gemm.Run(dWeight, dz, input, dWeight, new GemmShape(s.Outputs, s.Inputs, s.Batch, 1, s.Outputs, s.Inputs,
            GemmEpilogue.Accumulate, s.Inputs, 1));
    }

    private ArrayView<float> PreActivation(ArrayView<float> dOutput, ArrayView<float> output, DenseShape s)
    {
        var dz = gradients.Get(s.OutputLength);
        preActivationGradient(device.Launch(s.OutputLength), dz, dOutput, output, s);
        return dz;
    }

    public void BackwardBias(ArrayView<float> dBias, ArrayView<float> dOutput, ArrayView<float> output, DenseShape s) =>
        backwardBias(device.Launch(s.Outputs), dBias, dOutput, output, s);
}
