using ILGPU.Runtime;
using IlgpuSiamese.Network;

namespace IlgpuSiamese.Training;

/// <summary>
/// One optimiser step on the device, as the trainer runs it and the benchmarks time it: gather (or augment) the batch's
/// images (every example's images as one batch), zero the gradients, forward, backward, one Adam update,
/// synchronize. The host arrays are the caller's, reused every step: nothing here allocates per step.
/// </summary>
public static class TrainingStep
{
    /// <summary>
    /// A step on <paramref name="examples"/> examples: <c>indices[b]</c> names image b of each example (one list per
    /// image of an example: 2 for pairs, 3 for triplets); <paramref name="labels"/> are 1 for same class (pairs only).
    /// <paramref name="epoch"/> draws the augmentation of images built with one.
    /// </summary>
    public static void Run(SiameseNetwork network, DeviceImages images, int[][] indices, float[] labels, int examples, int step,
        int epoch, double learningRate)
    {
        images.LoadForTraining(network.Activations, indices, examples, epoch);
        network.ZeroGradients();
        network.Head.Labels(examples).CopyFromCPU(labels.AsSpan(0, examples));
        network.Forward(examples, step, training: true);
        network.Backward(examples, step);
        network.AdamStep(step, learningRate);
        network.Device.Synchronize();
    }
}
