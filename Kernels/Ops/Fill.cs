using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>
/// Sets every element of a buffer to one value. Parameter gradients accumulate (+=), so each step starts by
/// zeroing them with this kernel (a kernel, not a byte-wise MemSet, so any float value can be written).
/// </summary>
public static class Fill
{
    // y: (L)
    public static void FillConstant(ArrayView<float> output, float value, int length)
    {
        for (var i = GridStride.Start; i < length; i += GridStride.Step)
            output[i] = value;
    }
}

/// <summary>The fill kernel loaded on one device.</summary>
public sealed class FillLaunchers
{
    private readonly ComputeDevice device;
    private readonly Action<KernelConfig, ArrayView<float>, float, int> fillConstant;

    private FillLaunchers(ComputeDevice device)
    {
        this.device = device;
        fillConstant = device.Accelerator.LoadStreamKernel<ArrayView<float>, float, int>(Ops.Fill.FillConstant);
    }

    public static FillLaunchers On(ComputeDevice device) => device.Kernels(static d => new FillLaunchers(d));

    public void Zero(ArrayView<float> output) => Fill(output, 0f);

    public void Fill(ArrayView<float> output, float value)
    {
        var length = checked((int)output.Length);
        fillConstant(device.Launch(length), output, value, length);
    }
}
