using ILGPU;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>
/// x, y: (Length), any layout. Rate in [0, 1) is the probability of dropping an element; Seed and Step
/// (the training step, or a branch-and-step counter) pick the mask. Scale = 1/(1 - Rate).
/// </summary>
public readonly struct DropoutShape(int length, float rate, uint seed, int step)
{
    public readonly int Length = length;
    public readonly float Rate = rate;
    public readonly uint Seed = seed;
    public readonly int Step = step;
    public readonly float Scale = 1f / (1f - rate);
}

/// <summary>
/// The dropout mask as a pure function of (seed, step, index): nothing is stored between the forward
/// and the backward, and the same call gives the same bit on the host and on every backend.
/// Philox2x32-10 (Salmon et al., SC11, "Parallel Random Numbers: As Easy as 1, 2, 3"; the two-word sibling
/// of the Philox4x32-10 behind cuRAND and PyTorch's GPU dropout), counter = (index, step), key = seed:
/// for one seed it is a bijection of the 64-bit counter, so no two (step, index) pairs share a draw.
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static class DropoutMask
{
    private const uint Multiplier = 0xD256D193;
    private const uint KeyIncrement = 0x9E3779B9;

    /// <summary>Philox2x32-10 of the counter (counter0, counter1) under key: output word 1 in the high half, word 0 in the low.</summary>
    public static ulong Philox2x32(uint counter0, uint counter1, uint key)
    {
        for (var round = 0; round < 10; round++)
        {
            var product = (ulong)Multiplier * counter0;
            counter0 = (uint)(product >> 32) ^ key ^ counter1;
            counter1 = (uint)product;
            key += KeyIncrement;
        }
        return (ulong)counter1 << 32 | counter0;
    }

    /// <summary>A draw in [0, 1) on the 2^-24 grid (exact in float32) for element <paramref name="index"/> at <paramref name="step"/>.</summary>
    public static float Uniform(uint seed, int step, int index) =>
        // Through int: C# converts uint to float via double (conv.r.un), which OpenCL devices without fp64 reject.
        (int)((uint)Philox2x32((uint)index, (uint)step, seed) >> 8) * (1f / 16777216f);

    /// <summary>Whether element <paramref name="index"/> survives: its draw is at least the drop rate.</summary>
    public static bool Keep(uint seed, int step, int index, float rate) => Uniform(seed, step, index) >= rate;
}
// Stryker restore all

/// <summary>
/// Inverted dropout: y[i] = x[i] / (1 - rate) where the element is kept, else 0; rate 0 is the identity.
/// The backward recomputes the same mask from (seed, step, i). Gradient rule: dInput is assigned (=).
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static class DropoutKernels
{
    // x: (L)  y: (L)
    public static void DropoutForward(ArrayView<float> output, ArrayView<float> input, DropoutShape s)
    {
        for (var run = GridStride.RunStart; run < s.Length; run += GridStride.RunStep)
        {
            for (var i = run; i < GridStride.RunEnd(run, s.Length); i++)
                output[i] = DropoutMask.Keep(s.Seed, s.Step, i, s.Rate) ? input[i] * s.Scale : 0f;
        }
    }

    // x: (L)  y: (L)   y = x: rate 0 (inference), without drawing a mask (ten Philox rounds an element cost 6x a copy)
    public static void DropoutIdentity(ArrayView<float> output, ArrayView<float> input, DropoutShape s)
    {
        for (var run = GridStride.RunStart; run < s.Length; run += GridStride.RunStep)
        {
            for (var i = run; i < GridStride.RunEnd(run, s.Length); i++)
                output[i] = input[i];
        }
    }

    // dy: (L)  dx: (L)   dx[i] = dy[i] / (1 - rate) where kept, else 0
    public static void DropoutBackwardInput(ArrayView<float> dInput, ArrayView<float> dOutput, DropoutShape s)
    {
        for (var run = GridStride.RunStart; run < s.Length; run += GridStride.RunStep)
        {
            for (var i = run; i < GridStride.RunEnd(run, s.Length); i++)
                dInput[i] = DropoutMask.Keep(s.Seed, s.Step, i, s.Rate) ? dOutput[i] * s.Scale : 0f;
        }
    }
}
// Stryker restore all

/// <summary>Inverted dropout on one device.</summary>
public sealed class Dropout(ComputeDevice device)
{
    // x, y: (L)
    public void Forward(ArrayView<float> output, ArrayView<float> input, DropoutShape s) =>
        device.Run(s.Rate == 0f ? DropoutKernels.DropoutIdentity : DropoutKernels.DropoutForward, device.LaunchRuns(s.Length), output, input, s);

    // dy, dx: (L)
    public void Backward(ArrayView<float> dInput, ArrayView<float> dOutput, DropoutShape s) =>
        device.Run(s.Rate == 0f ? DropoutKernels.DropoutIdentity : DropoutKernels.DropoutBackwardInput, device.LaunchRuns(s.Length), dInput, dOutput, s);
}
