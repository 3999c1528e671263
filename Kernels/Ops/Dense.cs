using System.Collections.Concurrent;
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

/// <summary>The products of one dense layer's passes on one device (<see cref="GemmPlan"/>), chosen once per shape.</summary>
public sealed record DensePlan(GemmPlan Forward, GemmPlan WeightGradient, GemmPlan InputGradient)
{
    public static DensePlan For(DeviceInfo device, DenseShape s) => new(
        // y (N×Out) = act(X (N×In) · Wᵀ (In×Out) + b)
        GemmPlan.For(device, GemmShape.Product(s.Batch, s.Outputs, s.Inputs).WithBiasPerColumn(s.Relu != 0)),
        // dW (Out×In) += dzᵀ (Out×N) · X (N×In)
        GemmPlan.For(device, GemmShape.Product(s.Outputs, s.Inputs, s.Batch).TransposedA().Accumulating()),
        // dX (N×In) = dz (N×Out) · W (Out×In)
        GemmPlan.For(device, GemmShape.Product(s.Batch, s.Inputs, s.Outputs)));

    /// <summary>The forward's path as bench --layers and selftest print it.</summary>
    public string ForwardName => $"GEMM ({Forward.Name})";

    /// <summary>The backward's paths; dX's only where the backward forms it (not for a tower's first layer).</summary>
    public string BackwardName(bool inputGradient) =>
        inputGradient ? $"dW GEMM ({WeightGradient.Name}); dX GEMM ({InputGradient.Name})" : $"dW GEMM ({WeightGradient.Name})";
}

/// <summary>The dense layer on one device. Wᵀ (for the forward) and dz live in scratch buffers it owns.</summary>
public sealed class Dense(ComputeDevice device) : IDisposable
{
    private readonly Gemm gemm = new(device);
    private readonly ScratchBuffer transposed = new(device), preActivation = new(device);
    private readonly BiasGradient biasGradient = new(device);
    // Keyed by the shape's numbers: a tuple of ints compares without boxing (the struct itself would box), so a lookup allocates nothing.
    private readonly ConcurrentDictionary<(int Batch, int Inputs, int Outputs, int Relu), DensePlan> plans = new();

    /// <summary>The device's one instance, so its scratch buffers are allocated once per device.</summary>
    public static Dense On(ComputeDevice device) => device.Op(static d => new Dense(d));

    /// <summary>This device's plan for <paramref name="s"/>, made on its first use and kept.</summary>
    public DensePlan Plan(DenseShape s) =>
        plans.GetOrAdd((s.Batch, s.Inputs, s.Outputs, s.Relu),
            static (_, made) => DensePlan.For(made.Info, made.Shape), (device.Info, Shape: s));

    // x: (N, In)  w: (Out, In)  b: (Out)  y: (N, Out)
    public void Forward(ArrayView<float> output, ArrayView<float> input, ArrayView<float> weight, ArrayView<float> bias, DenseShape s)
    {
        var wT = transposed.Get(s.WeightLength);
        gemm.Transpose(wT, weight, new TransposeShape(s.Outputs, s.Inputs));
        gemm.Run(output, input, wT, bias, Plan(s).Forward);
    }

    // dy, y: (N, Out)  x: (N, In)  w: (Out, In)  dx: (N, In) or empty  dw: (Out, In)  db: (Out)
    public void Backward(ArrayView<float> dInput, ArrayView<float> dWeight, ArrayView<float> dBias, ArrayView<float> dOutput,
        ArrayView<float> input, ArrayView<float> output, ArrayView<float> weight, DenseShape s)
    {
        var plan = Plan(s);
        var dz = preActivation.Get(s.OutputLength);
        device.Run(DenseKernels.DensePreActivationGradient, device.LaunchRuns(s.OutputLength), dz, dOutput, output, s);
        biasGradient.Accumulate(dBias, dz, new BiasGradientShape(s.Batch, s.Outputs));
        gemm.Run(dWeight, dz, input, dWeight, plan.WeightGradient);
        if (dInput.Length == 0)
            return;
        gemm.Run(dInput, dz, weight, dInput, plan.InputGradient);
    }

    public void Dispose()
    {
        gemm.Dispose();
        transposed.Dispose();
        preActivation.Dispose();
        biasGradient.Dispose();
    }
}
