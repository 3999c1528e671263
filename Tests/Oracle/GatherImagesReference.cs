using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Oracle;

public static class GatherImagesReference
{
    public static double[] Forward(byte[] images, int[] indices, GatherImagesShape s)
    {
        var batch = new double[s.OutputLength];
        for (var n = 0; n < s.Batch; n++)
        for (var p = 0; p < s.Pixels; p++)
            batch[n * s.Pixels + p] = images[indices[n] * s.Pixels + p] / 255.0;
        return batch;
    }
}
