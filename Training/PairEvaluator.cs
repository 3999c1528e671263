using ILGPU.Runtime;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Training;

/// <summary>Per-pair head outputs of a network over a set of pairs: distance, BCE probability, loss.</summary>
public sealed record PairOutputs(float[] Distances, float[] Probabilities, float[] Losses, float[] Labels)
{
    public double MeanLoss => Losses.Length == 0 ? 0 : Losses.Average(l => (double)l);
}

/// <summary>Runs a network forward (no dropout, no gradients) over pairs, a full batch per launch.</summary>
public static class PairEvaluator
{
    public static PairOutputs Run(SiameseNetwork network, DeviceImages images, PairSet pairs)
    {
        var count = pairs.Count;
        var outputs = new PairOutputs(new float[count], new float[count], new float[count], pairs.Label);
        var batchSize = network.MaxBatch;
        int[][] indices = [new int[batchSize], new int[batchSize]];
        for (var start = 0; start < count; start += batchSize)
        {
            var n = Math.Min(batchSize, count - start);
            pairs.First.AsSpan(start, n).CopyTo(indices[0]);
            pairs.Second.AsSpan(start, n).CopyTo(indices[1]);
            images.Load(network.Branches, indices, n);
            network.Labels(n).CopyFromCPU(pairs.Label.AsSpan(start, n));
            network.ForwardPairs(n, step: 0, training: false, computeLoss: network.Config.Loss != LossKind.Triplet);
            network.Device.Synchronize();
            network.Distances(n).CopyToCPU(outputs.Distances.AsSpan(start, n));
            if (network.Config.Loss == LossKind.Bce)
                network.Probabilities(n).CopyToCPU(outputs.Probabilities.AsSpan(start, n));
            if (network.Config.Loss != LossKind.Triplet)
                network.Losses(n).CopyToCPU(outputs.Losses.AsSpan(start, n));
            else
                ContrastiveOnHost(outputs, start, n, network.Config.Margin);
        }
        return outputs;
    }

    /// <summary>A triplet-trained model has no pair loss of its own; report the contrastive loss at its margin.</summary>
    private static void ContrastiveOnHost(PairOutputs o, int start, int n, float margin)
    {
        for (var i = start; i < start + n; i++)
        {
            double d = o.Distances[i], y = o.Labels[i], gap = Math.Max(margin - d, 0);
            o.Losses[i] = (float)(y * d * d + (1 - y) * gap * gap);
        }
    }
}
