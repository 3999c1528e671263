using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Training;

/// <summary>
/// A set of images uploaded once, as bytes, and the staging that turns a list of indices into a
/// batch in a branch's input: each step uploads only the indices, then one gather launch.
/// </summary>
public sealed class DeviceImages : IDisposable
{
    private readonly ComputeDevice device;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> pixels;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> indices;
    private readonly int pixelsPerImage;

    public LabelledImages Images { get; }

    public DeviceImages(ComputeDevice device, LabelledImages images, int maxBatch)
    {
        this.device = device;
        Images = images;
        pixelsPerImage = images.Height * images.Width;
        pixels = device.Allocate<byte>(images.Pixels.Length);
        pixels.CopyFromCPU(images.Pixels);
        indices = device.AllocateInt(maxBatch * 3L);
    }

    /// <summary>Fills the inputs of <paramref name="branches"/> with the images at the given indices, one list per branch.</summary>
    public void Load(IReadOnlyList<Branch> branches, int[][] batchIndices, int batch)
    {
        var gather = GatherImagesLaunchers.On(device);
        for (var b = 0; b < batchIndices.Length; b++)
        {
            var slot = ((ArrayView<int>)indices.View).SubView(b * (long)branches[0].MaxBatch, batch);
            slot.CopyFromCPU(batchIndices[b].AsSpan(0, batch));
            gather.Forward(branches[b].InputBatch(batch), pixels.View, slot, new GatherImagesShape(batch, pixelsPerImage));
        }
    }

    public void Dispose()
    {
        pixels.Dispose();
        indices.Dispose();
    }
}
