using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Training;

/// <summary>
/// A set of images uploaded once, as bytes, and the staging that turns lists of indices into the tower's
/// input batch: each step uploads only the indices, then one gather launch.
/// </summary>
public sealed class DeviceImages : IDisposable
{
    private readonly ComputeDevice device;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> pixels;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> indices;
    private readonly int[] hostIndices;
    private readonly int pixelsPerImage;

    public LabelledImages Images { get; }

    public DeviceImages(ComputeDevice device, LabelledImages images, int maxImages)
    {
        this.device = device;
        Images = images;
        pixelsPerImage = images.Height * images.Width;
        pixels = device.Allocate<byte>(images.Pixels.Length);
        pixels.CopyFromCPU(images.Pixels);
        indices = device.AllocateInt(maxImages);
        hostIndices = new int[maxImages];
    }

    /// <summary>
    /// Fills the first blocks·n inputs of <paramref name="activations"/>: block b (rows [b·n, (b+1)·n)) gets
    /// the images <c>blockIndices[b][0..n)</c>, so a pair's twins (or a triplet's three images) share a row offset.
    /// </summary>
    public void Load(Activations activations, int[][] blockIndices, int n)
    {
        var images = blockIndices.Length * n;
        for (var b = 0; b < blockIndices.Length; b++)
            blockIndices[b].AsSpan(0, n).CopyTo(hostIndices.AsSpan(b * n, n));
        var slot = ((ArrayView<int>)indices.View).SubView(0, images);
        slot.CopyFromCPU(hostIndices.AsSpan(0, images));
        new GatherImages(device).Forward(activations.Inputs(images), pixels.View, slot, new GatherImagesShape(images, pixelsPerImage));
    }

    public void Dispose()
    {
        pixels.Dispose();
        indices.Dispose();
    }
}
