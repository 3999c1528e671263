using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Training;

/// <summary>
/// A set of images uploaded once, as bytes, and the staging that turns lists of indices into the tower's
/// input batch: each step uploads only the indices, then one gather launch (or, for training images built with
/// an <see cref="ImageAugmentation"/>, the augmentation's launches, which gather as they warp).
/// </summary>
public sealed class DeviceImages : IDisposable
{
    private readonly ComputeDevice device;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> pixels;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> indices;
    private readonly int[] hostIndices;
    private readonly int pixelsPerImage;
    private readonly ImageAugmentation? augmentation;
    private readonly MemoryBuffer1D<float, Stride1D.Dense>? augmentScratch, augmentParameters;

    public LabelledImages Images { get; }

    public DeviceImages(ComputeDevice device, LabelledImages images, int maxImages, ImageAugmentation? augmentation = null)
    {
        this.device = device;
        Images = images;
        pixelsPerImage = images.Height * images.Width;
        pixels = device.Allocate<byte>(images.Pixels.Length);
        pixels.CopyFromCPU(images.Pixels);
        indices = device.AllocateInt(maxImages);
        hostIndices = new int[maxImages];
        this.augmentation = augmentation;
        if (augmentation is not null)
        {
            augmentScratch = device.Allocate((long)maxImages * pixelsPerImage);
            augmentParameters = device.Allocate((long)maxImages * AugmentParameter.Count);
        }
    }

    /// <summary>
    /// Fills the first blocks·n inputs of <paramref name="activations"/>: block b (rows [b·n, (b+1)·n)) gets
    /// the images <c>blockIndices[b][0..n)</c>, so a pair's twins (or a triplet's three images) share a row offset.
    /// </summary>
    public void Load(Activations activations, int[][] blockIndices, int n)
    {
        var slot = UploadIndices(blockIndices, n);
        new GatherImages(device).Forward(activations.Inputs(slot.IntLength), pixels.View, slot, new GatherImagesShape(slot.IntLength, pixelsPerImage));
    }

    /// <summary>
    /// A training batch, laid out as <see cref="Load"/> does: augmented when these images were built with an augmentation
    /// (each image drawn anew every <paramref name="epoch"/>), else the plain gather.
    /// </summary>
    public void LoadForTraining(Activations activations, int[][] blockIndices, int n, int epoch)
    {
        if (augmentation is null)
        {
            Load(activations, blockIndices, n);
            return;
        }
        var slot = UploadIndices(blockIndices, n);
        var s = new AugmentShape(slot.IntLength, Images.Height, Images.Width, (uint)augmentation.Seed, epoch, augmentation.Ranges);
        new Augment(device).Forward(activations.Inputs(slot.IntLength), augmentScratch!.View.SubView(0, s.OutputLength),
            augmentParameters!.View.SubView(0, s.ParametersLength), pixels.View, slot, s);
    }

    private ArrayView<int> UploadIndices(int[][] blockIndices, int n)
    {
        var images = blockIndices.Length * n;
        for (var b = 0; b < blockIndices.Length; b++)
            blockIndices[b].AsSpan(0, n).CopyTo(hostIndices.AsSpan(b * n, n));
        var slot = ((ArrayView<int>)indices.View).SubView(0, images);
        slot.CopyFromCPU(hostIndices.AsSpan(0, images));
        return slot;
    }

    public void Dispose()
    {
        pixels.Dispose();
        indices.Dispose();
        augmentScratch?.Dispose();
        augmentParameters?.Dispose();
    }
}
