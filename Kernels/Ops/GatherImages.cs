using ILGPU;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>images: (Count, Pixels) bytes  indices: (N)  batch: (N, Pixels) floats in [0, 1].</summary>
public readonly struct GatherImagesShape(int batch, int pixels)
{
    public readonly int Batch = batch;
    public readonly int Pixels = pixels;

    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int OutputLength => Batch * Pixels;
}

/// <summary>
/// Builds a training batch on the device from the whole dataset, uploaded once as bytes:
/// batch[n, p] = images[indices[n], p] / 255. Each step then uploads only the indices.
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static class GatherImagesKernels
{
    // images: (Count, P) u8  indices: (N)  batch: (N, P)
    public static void GatherImagesForward(ArrayView<float> batch, ArrayView<byte> images, ArrayView<int> indices, GatherImagesShape s)
    {
        for (var i = GridStride.Start; i < s.OutputLength; i += GridStride.Step)
        {
            var n = i / s.Pixels;
            var p = i - n * s.Pixels;
            batch[i] = images[(long)indices[n] * s.Pixels + p] * (1f / 255f);
        }
    }
}
// Stryker restore all

/// <summary>Gathering a batch of images on one device.</summary>
public sealed class GatherImages(ComputeDevice device)
{
    // images: (Count, P) u8  indices: (N)  batch: (N, P)
    public void Forward(ArrayView<float> batch, ArrayView<byte> images, ArrayView<int> indices, GatherImagesShape s) =>
        device.Run(GatherImagesKernels.GatherImagesForward, device.Launch(s.OutputLength), batch, images, indices, s);
}
