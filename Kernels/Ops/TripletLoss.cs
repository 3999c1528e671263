using ILGPU;
using ILGPU.Algorithms;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>anchor, positive, negative: (N, F)  loss: (N); m the margin.</summary>
public readonly struct TripletShape(int batch, int features, float margin)
{
    public readonly int Batch = batch;
    public readonly int Features = features;
    public readonly float Margin = margin;

    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int InputLength => Batch * Features;
}

/// <summary>
/// Triplet loss: the anchor must be nearer its positive than its negative by the margin:
/// loss[n] = max(d_ap - d_an + m, 0), with both distances as in <see cref="EuclideanDistance"/> (same floor).
/// The forward writes the unscaled per-row loss; the training loss is its mean, so the backward includes 1/N.
/// Gradient rule: dAnchor, dPositive and dNegative are activation gradients, assigned (=).
/// The backward runs one item per (n, k) and recomputes its row's two squared distances with the forward's
/// own loop (2F multiply-adds per item): its hinge and clamp tests then agree bit for bit with the forward,
/// and the writes stay coalesced on a GPU. A row whose hinge is inactive gets 0 everywhere; a distance under
/// the floor contributes nothing.
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static class TripletLossKernels
{
    // a, p, q: (N, F)  loss: (N)
    public static void TripletLossForward(ArrayView<float> loss, ArrayView<float> anchor, ArrayView<float> positive,
        ArrayView<float> negative, TripletShape s)
    {
        for (var n = GridStride.Start; n < s.Batch; n += GridStride.Step)
        {
            var dap = EuclideanDistanceKernels.FromSquared(EuclideanDistanceKernels.SquaredDistance(anchor, positive, n, s.Features));
            var dan = EuclideanDistanceKernels.FromSquared(EuclideanDistanceKernels.SquaredDistance(anchor, negative, n, s.Features));
            loss[n] = Clamp.AtLeast(dap - dan + s.Margin, 0f);
        }
    }

    // a, p, q: (N, F)  da, dp, dq: (N, F)   with u = (a - p)/d_ap, w = (a - q)/d_an, h = [d_ap - d_an + m > 0] / N:
    //   da = h (u - w),  dp = -h u,  dq = h w
    public static void TripletLossBackwardInput(ArrayView<float> dAnchor, ArrayView<float> dPositive, ArrayView<float> dNegative,
        ArrayView<float> anchor, ArrayView<float> positive, ArrayView<float> negative, TripletShape s)
    {
        for (var i = GridStride.Start; i < s.InputLength; i += GridStride.Step)
        {
            var n = i / s.Features;
            var sap = EuclideanDistanceKernels.SquaredDistance(anchor, positive, n, s.Features);
            var san = EuclideanDistanceKernels.SquaredDistance(anchor, negative, n, s.Features);
            var dap = EuclideanDistanceKernels.FromSquared(sap);
            var dan = EuclideanDistanceKernels.FromSquared(san);
            var toPositive = 0f;
            var toNegative = 0f;
            if (dap - dan + s.Margin > 0f)
            {
                var h = 1f / s.Batch;
                if (sap >= EuclideanDistanceKernels.SquaredDistanceFloor)
                    toPositive = h * (anchor[i] - positive[i]) / dap;
                if (san >= EuclideanDistanceKernels.SquaredDistanceFloor)
                    toNegative = h * (anchor[i] - negative[i]) / dan;
            }
            dAnchor[i] = toPositive - toNegative;
            dPositive[i] = -toPositive;
            dNegative[i] = toNegative;
        }
    }
}
// Stryker restore all

/// <summary>The triplet loss on one device.</summary>
public sealed class TripletLoss(ComputeDevice device)
{
    // a, p, q: (N, F)  loss: (N)
    public void Forward(ArrayView<float> loss, ArrayView<float> anchor, ArrayView<float> positive, ArrayView<float> negative,
        TripletShape s) =>
        device.Run(TripletLossKernels.TripletLossForward, device.Launch(s.Batch), loss, anchor, positive, negative, s);

    // a, p, q, da, dp, dq: (N, F)
    public void Backward(ArrayView<float> dAnchor, ArrayView<float> dPositive, ArrayView<float> dNegative,
        ArrayView<float> anchor, ArrayView<float> positive, ArrayView<float> negative, TripletShape s) =>
        device.Run(TripletLossKernels.TripletLossBackwardInput, device.Launch(s.InputLength), dAnchor, dPositive, dNegative, anchor, positive, negative, s);
}
