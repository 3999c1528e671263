using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Oracle.Checks;

/// <summary>Buffers for kernel checks: inputs uploaded from float64 values, outputs poisoned with NaN.</summary>
public sealed class DeviceBuffers(ComputeDevice device) : IDisposable
{
    private readonly List<IDisposable> owned = [];

    public ArrayView<float> Upload(double[] values) => Upload(values.Select(v => (float)v).ToArray());

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

    public ArrayView<byte> UploadBytes(byte[] values)
    {
        var buffer = device.Allocate<byte>(Math.Max(1, values.Length));
        if (values.Length > 0)
            buffer.View.SubView(0, values.Length).CopyFromCPU(values);
        owned.Add(buffer);
        return buffer.View.SubView(0, values.Length);
    }

    /// <summary>An output buffer filled with NaN, so an element the kernel forgets to write fails the check.</summary>
    public ArrayView<float> Poisoned(int length) => Upload(Enumerable.Repeat(float.NaN, length).ToArray());

    public ArrayView<int> PoisonedInt(int length) => UploadInt(Enumerable.Repeat(int.MinValue, length).ToArray());

    /// <summary>Fills an output that an op owns (its own buffers, not these) with NaN, as <see cref="Poisoned"/> does.</summary>
    public static void Poison(ArrayView<float> view)
    {
        if (view.Length > 0)
            view.CopyFromCPU(Enumerable.Repeat(float.NaN, (int)view.Length).ToArray());
    }

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

/// <summary>Random inputs for the checks; the float variants are rounded to float32 first, so kernel and reference see the same input.</summary>
public static class RandomValues
{
    public static double[] Uniform(this Random random, int length, double low = -1, double high = 1)
    {
        var values = new double[length];
        for (var i = 0; i < length; i++)
            values[i] = low + (high - low) * random.NextDouble();
        return values;
    }

    public static double[] UniformFloat(this Random random, int length, double low = -1, double high = 1) =>
        random.Uniform(length, low, high).Select(v => (double)(float)v).ToArray();

    public static double[] Labels(this Random random, int length) =>
        Enumerable.Range(0, length).Select(_ => (double)random.Next(2)).ToArray();

    public static double[] Plus(this double[] a, double[] b) => a.Zip(b, (x, y) => x + y).ToArray();
}
