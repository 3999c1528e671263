using ILGPU.Runtime;
using IlgpuSiamese.Network;

namespace IlgpuSiamese.Training;

/// <summary>
/// One optimiser step on the device, as the trainer runs it and the benchmarks time it: gather the batch's
/// images into the branches, zero the gradients, forward, backward, one Adam update, synchronize.
/// The host arrays are the caller's, reused every step: nothing here allocates per step.
/// </summary>
public static class TrainingStep
{
    /// <summary>A step on pairs: indices[0] and indices[1] name each pair's images, labels are 1 for same class.</summary>
    public static void Pairs(SiameseNetwork network, DeviceImages images, int[][] indices, float[] labels, int batch, int step,
        double learningRate)
    {
        images.Load(network.Branches, indices, batch);
        network.ZeroGradients();
        network.Labels(batch).CopyFromCPU(labels.AsSpan(0, batch));
        network.ForwardPairs(batch, step, training: true);
        network.BackwardPairs(batch, step);
        network.AdamStep(step, learningRate);
        network.Device.Synchronize();
    }

    /// <summary>A step on triplets: indices[0..2] name each triplet's anchor, positive and negative images.</summary>
    public static void Triplets(SiameseNetwork network, DeviceImages images, int[][] indices, int batch, int step, double learningRate)
    {
        images.Load(network.Branches, indices, batch);
        network.ZeroGradients();
        network.ForwardTriplets(batch, step);
        network.BackwardTriplets(batch, step);
        network.AdamStep(step, learningRate);
        network.Device.Synchronize();
    }
}
