using ILGPU;
using ILGPU.Algorithms;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>d, y, loss: (N); m the margin.</summary>
public readonly struct ContrastiveShape(int batch, float margin)
{
    public readonly int Batch = batch;
    public readonly float Margin = margin;
}

/// <summary>
/// Contrastive loss on the pair distance (label 1 = same class): same pairs are pulled together, different
/// pairs pushed out to the margin: loss[n] = y·d² + (1-y)·max(m - d, 0)². The forward writes the unscaled
/// per-pair loss; the training loss is its mean, so the backward includes the 1/N.
/// Gradient rule: dDistance is an activation gradient, assigned (=).
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static class ContrastiveLossKernels
{
    // d, y: (N)  loss: (N)
    public static void ContrastiveLossForward(ArrayView<float> loss, ArrayView<float> distance, ArrayView<float> label,
        ContrastiveShape s)
    {
        for (var n = GridStride.Start; n < s.Batch; n += GridStride.Step)
        {
            var d = distance[n];
            var y = label[n];
            var gap = Clamp.AtLeast(s.Margin - d, 0f);
            loss[n] = y * d * d + (1f - y) * gap * gap;
        }
    }

    // d, y: (N)  dd: (N)   dd[n] = (2 y d - 2 (1-y) max(m - d, 0)) / N
    public static void ContrastiveLossBackwardInput(ArrayView<float> dDistance, ArrayView<float> distance, ArrayView<float> label,
        ContrastiveShape s)
    {
        for (var n = GridStride.Start; n < s.Batch; n += GridStride.Step)
        {
            var d = distance[n];
            var y = label[n];
            var gap = Clamp.AtLeast(s.Margin - d, 0f);
            dDistance[n] = (2f * y * d - 2f * (1f - y) * gap) / s.Batch;
        }
    }
}
// Stryker restore all

/// <summary>The contrastive loss on one device.</summary>
public sealed class ContrastiveLoss(ComputeDevice device)
{
    // d, y, loss: (N)
    public void Forward(ArrayView<float> loss, ArrayView<float> distance, ArrayView<float> label, ContrastiveShape s) =>
        device.Run(ContrastiveLossKernels.ContrastiveLossForward, device.Launch(s.Batch), loss, distance, label, s);

    // d, y, dd: (N)
    public void Backward(ArrayView<float> dDistance, ArrayView<float> distance, ArrayView<float> label, ContrastiveShape s) =>
        device.Run(ContrastiveLossKernels.ContrastiveLossBackwardInput, device.Launch(s.Batch), dDistance, distance, label, s);
}
