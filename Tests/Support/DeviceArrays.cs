using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Tests.Support;

/// <summary>Buffers for kernel tests: inputs uploaded from float64 values, outputs poisoned with NaN.</summary>
public sealed class DeviceArrays(ComputeDevice device) : IDisposable
{
    private readonly List<IDisposable> owned = [];

    public ArrayView<float> Upload(double[] values) => Upload(Numbers.ToFloat(values));

    public ArrayView<float> Upload(float[] values)
    {
        var buffer = device.Allocate(Math.Max(1, values.Length));
        if (values.Length > 0)
            buffer.View.SubView(0, values.Length).CopyFromCPU(values);
        owned.Add(buffer);
        return buffer.View.SubView(0, values.Length);
    }

    public ArrayView<int> UploadInt(int[] values)
    {
        var buffer = device.AllocateInt(Math.Max(1, values.Length));
        if (values.Length > 0)
            buffer.View.SubView(0, values.Length).CopyFromCPU(values);
        owned.Add(buffer);
        return buffer.View.SubView(0, values.Length);
    }

    /// <summary>An output buffer filled with NaN, so an element the kernel forgets to write fails the check.</summary>
    public ArrayView<float> Poisoned(int length) => Upload(Enumerable.Repeat(float.NaN, length).ToArray());

    public ArrayView<int> PoisonedInt(int length) => UploadInt(Enumerable.Repeat(int.MinValue, length).ToArray());

    public float[] Read(ArrayView<float> view)
    {
        device.Synchronize();
        var values = new float[view.Length];
        if (view.Length > 0)
            view.CopyToCPU(values);
        return values;
    }

    public int[] Read(ArrayView<int> view)
    {
        device.Synchronize();
        var values = new int[view.Length];
        if (view.Length > 0)
            view.CopyToCPU(values);
        return values;
    }

    public void Dispose()
    {
        foreach (var buffer in owned)
            buffer.Dispose();
    }
}
