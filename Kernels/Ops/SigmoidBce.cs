using ILGPU;
using ILGPU.Algorithms;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>d, y, p, loss: (N)  w, b: (1)</summary>
public readonly struct SigmoidBceShape(int batch)
{
    public readonly int Batch = batch;
}

/// <summary>
/// The original head: a Dense 1→1 on the distance, a sigmoid and binary cross-entropy (label 1 = same class).
/// z = w·d + b, p = sigmoid(z), loss = max(z, 0) - y·z + log(1 + exp(-|z|)), which is -y·log p - (1-y)·log(1-p)
/// written on the logit so that no exp can overflow. The forward writes the unscaled per-pair loss; the
/// training loss is its mean, so every backward uses dL/dz[n] = (p[n] - y[n]) / N.
/// Gradient rule: dHeadWeight and dHeadBias accumulate (+=); dDistance is assigned (=).
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static class SigmoidBceKernels
{
    // d, y: (N)  w, b: (1)  p, loss: (N)
    public static void SigmoidBceForward(ArrayView<float> probability, ArrayView<float> loss, ArrayView<float> distance,
        ArrayView<float> label, ArrayView<float> headWeight, ArrayView<float> headBias, SigmoidBceShape s)
    {
        for (var n = GridStride.Start; n < s.Batch; n += GridStride.Step)
        {
            var z = headWeight[0] * distance[n] + headBias[0];
            // e in (0, 1]: sigmoid(|z|) = 1 / (1 + e), sigmoid(-|z|) = e / (1 + e).
            var e = XMath.Exp(-XMath.Abs(z));
            probability[n] = z >= 0f ? 1f / (1f + e) : e / (1f + e);
            loss[n] = Clamp.AtLeast(z, 0f) - label[n] * z + XMath.Log(1f + e);
        }
    }

    private static float LogitGradient(ArrayView<float> probability, ArrayView<float> label, int n, SigmoidBceShape s) =>
        (probability[n] - label[n]) / s.Batch;

    // p, y: (N)  w: (1)  dd: (N)   dd[n] = w (p[n] - y[n]) / N
    public static void SigmoidBceBackwardInput(ArrayView<float> dDistance, ArrayView<float> probability, ArrayView<float> label,
        ArrayView<float> headWeight, SigmoidBceShape s)
    {
        for (var n = GridStride.Start; n < s.Batch; n += GridStride.Step)
            dDistance[n] = headWeight[0] * LogitGradient(probability, label, n, s);
    }

    // p, d, y: (N)  dw, db: (1)   dw += Σ_n dz[n] d[n],  db += Σ_n dz[n]  (one work item: a fixed order)
    public static void SigmoidBceBackwardParameters(ArrayView<float> dHeadWeight, ArrayView<float> dHeadBias,
        ArrayView<float> probability, ArrayView<float> distance, ArrayView<float> label, SigmoidBceShape s)
    {
        for (var i = GridStride.Start; i < 1; i += GridStride.Step)
        {
            var weightSum = 0f;
            var biasSum = 0f;
            for (var n = 0; n < s.Batch; n++)
            {
                var dz = LogitGradient(probability, label, n, s);
                weightSum += dz * distance[n];
                biasSum += dz;
            }
            dHeadWeight[0] += weightSum;
            dHeadBias[0] += biasSum;
        }
    }
}
// Stryker restore all

/// <summary>The sigmoid + binary cross-entropy head on one device.</summary>
public sealed class SigmoidBce(ComputeDevice device)
{
    // d, y: (N)  w, b: (1)  p, loss: (N)
    public void Forward(ArrayView<float> probability, ArrayView<float> loss, ArrayView<float> distance, ArrayView<float> label,
        ArrayView<float> headWeight, ArrayView<float> headBias, SigmoidBceShape s) =>
        device.Run(SigmoidBceKernels.SigmoidBceForward, device.Launch(s.Batch), probability, loss, distance, label, headWeight, headBias, s);

    // p, d, y: (N)  w: (1)  dd: (N)  dw, db: (1); dz = (p - y) / N
    public void Backward(ArrayView<float> dDistance, ArrayView<float> dHeadWeight, ArrayView<float> dHeadBias,
        ArrayView<float> probability, ArrayView<float> distance, ArrayView<float> label, ArrayView<float> headWeight, SigmoidBceShape s)
    {
        device.Run(SigmoidBceKernels.SigmoidBceBackwardInput, device.Launch(s.Batch), dDistance, probability, label, headWeight, s);
        device.Run(SigmoidBceKernels.SigmoidBceBackwardParameters, device.Launch(1), dHeadWeight, dHeadBias, probability, distance, label, s);
    }
}
