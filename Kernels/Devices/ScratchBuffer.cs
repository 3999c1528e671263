using ILGPU;
using ILGPU.Runtime;

namespace IlgpuSiamese.Kernels.Devices;

/// <summary>
/// A device buffer a launcher reuses for its intermediate results (im2col matrices, transposed weights).
/// It grows only when a larger shape first appears (the first step, the first evaluation batch), never
/// per step; the stream is drained before an old buffer is freed, since launches are asynchronous.
/// </summary>
public sealed class ScratchBuffer(ComputeDevice device) : IDisposable
{
    private MemoryBuffer1D<float, Stride1D.Dense>? buffer;

    public ArrayView<float> Get(long length)
    {
        if (buffer is null || buffer.Length < length)
        {
            if (buffer is not null)
            {
                device.Synchronize();
                buffer.Dispose();
            }
            buffer = device.Allocate(Math.Max(1, length));
        }
        return buffer.View.SubView(0, length);
    }

    public void Dispose() => buffer?.Dispose();
}
