using ILGPU;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>
/// Sets every element of a buffer to one value. Parameter gradients accumulate (+=), so each step starts by
/// zeroing them with this kernel (a kernel, not a byte-wise MemSet, so any float value can be written).
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static class FillKernels
{
    // y: (L)
    public static void FillConstant(ArrayView<float> output, float value, int length)
    {
        for (var run = GridStride.RunStart; run < length; run += GridStride.RunStep)
        {
            for (var i = run; i < GridStride.RunEnd(run, length); i++)
                output[i] = value;
        }
    }
}
// Stryker restore all

/// <summary>Filling a buffer on one device.</summary>
public sealed class Fill(ComputeDevice device)
{
    public void Zero(ArrayView<float> output) => Constant(output, 0f);

    public void Constant(ArrayView<float> output, float value)
    {
        var length = checked((int)output.Length);
        device.Run(FillKernels.FillConstant, device.LaunchRuns(length), output, value, length);
    }
}
