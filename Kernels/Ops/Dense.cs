using ILGPU;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>x: (N, In)  w: (Out, In)  b: (Out)  y: (N, Out); Relu = 1 fuses max(0, ·) into the output.</summary>
public readonly struct DenseShape(int batch, int inputs, int outputs, bool relu)
{
    public readonly int Batch = batch;
    public readonly int Inputs = inputs;
    public readonly int Outputs = outputs;
    public readonly int Relu = relu ? 1 : 0;

    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int InputLength => Batch * Inputs;
    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int OutputLength => Batch * Outputs;
    public int WeightLength => Outputs * Inputs;
}

/// <summary>
/// Fully connected layer over the rows of x, as matrix products:
///   forward   y = act(X · Wᵀ + b)                  y[n,o] = act(b[o] + Σ_i w[o,i] x[n,i])
///   backward  dz = dy · [y &gt; 0] (just dy without ReLU), (N, Out), formed once
///             dB += Σ_n dz,   dW += dzᵀ · X,   dX = dz · W
/// Gradient rule: dWeight and dBias accumulate (+=), so the twin branches (one batch of 2N rows) and any
/// earlier pass add into one buffer; dInput is assigned (=). docs/math.md derives each line.
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static class DenseKernels
{
    // dy, y: (N, Out)  dz: (N, Out)   dz = dy · [y > 0] (a copy without ReLU)
    public static void DensePreActivationGradient(ArrayView<float> dz, ArrayView<float> dOutput, ArrayView<float> output, DenseShape s)
    {
        for (var run = GridStride.RunStart; run < s.OutputLength; run += GridStride.RunStep)
        {
            for (var i = run; i < GridStride.RunEnd(run, s.OutputLength); i++)
                dz[i] = s.Relu != 0 && output[i] <= 0f ? 0f : dOutput[i];
        }
    }
}
// Stryker restore all

/// <summary>The dense layer on one device. Wᵀ (for the forward) and dz live in scratch buffers it owns.</summary>
public sealed class Dense(ComputeDevice device)
{
    private readonly Gemm gemm = new(device);
    private readonly ScratchBuffer transposed = new(device), preActivation = new(device);
    private readonly BiasGradient biasGradient = new(device);

    /// <summary>The device's one instance, so its scratch buffers are allocated once per device.</summary>
    public static Dense On(ComputeDevice device) => device.Op(static d => new Dense(d));

    // x: (N, In)  w: (Out, In)  b: (Out)  y: (N, Out)
    public void Forward(ArrayView<float> output, ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias, DenseShape s)
    {
        var wT = transposed.Get(s.WeightLength);
        gemm.Transpose(wT, weight, new TransposeShape(s.Outputs, s.Inputs));
        // y (N×Out) = act(X (N×In) · Wᵀ (In×Out) + b)
        gemm.Run(output, input, wT, bias, new GemmShape(s.Batch, s.Outputs, s.Inputs, s.Inputs, 1, s.Outputs,
            GemmEpilogue.BiasActivation, s.Outputs, 1, s.Relu != 0, biasColStep: 1));
    }

    // dy, y: (N, Out)  x: (N, In)  w: (Out, In)  dx: (N, In) or empty  dw: (Out, In)  db: (Out)
    public void Backward(ArrayView<float> dInput, ArrayView<float> dWeight, ArrayView<float> dBias, ArrayView<float> dOutput,
        ArrayView<float> input, ArrayView<float> output, ArrayView<float> weight, DenseShape s)
    {
        var dz = preActivation.Get(s.OutputLength);
        device.Run(DenseKernels.DensePreActivationGradient, device.LaunchRuns(s.OutputLength), dz, dOutput, output, s);
        biasGradient.Accumulate(dBias, dz, new BiasGradientShape(s.Batch, s.Outputs));
        // dW (Out×In) += dzᵀ (Out×N) · X (N×In)
        gemm.Run(dWeight, dz, input, dWeight, new GemmShape(s.Outputs, s.Inputs, s.Batch, 1, s.Outputs, s.Inputs,
            GemmEpilogue.Accumulate, s.Inputs, 1));
        if (dInput.Length == 0)
            return;
        // dX (N×In) = dz (N×Out) · W (Out×In)
        gemm.Run(dInput, dz, weight, dInput, new GemmShape(s.Batch, s.Inputs, s.Outputs, s.Outputs, 1, s.Inputs,
            GemmEpilogue.Store, s.Inputs, 1));
    }
}
