using ILGPU.Runtime;
using IlgpuSiamese.Network;
using IlgpuSiamese.Network.Heads;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Training;

/// <summary>Runs a network forward (no dropout, no gradients) over pairs, a full batch of pairs (both images) per pass.</summary>
public static class PairEvaluator
{
    public static PairOutputs Run(SiameseNetwork network, DeviceImages images, PairSet pairs)
    {
        var count = pairs.Count;
        var outputs = new PairOutputs(new float[count], new float[count], new float[count], pairs.Label);
        var batchSize = network.MaxExamples;
        int[][] indices = [new int[batchSize], new int[batchSize]];
        for (var start = 0; start < count; start += batchSize)
        {
            var n = Math.Min(batchSize, count - start);
            pairs.First.AsSpan(start, n).CopyTo(indices[0]);
            pairs.Second.AsSpan(start, n).CopyTo(indices[1]);
            images.Load(network.Activations, indices, n);
            network.Head.Labels(n).CopyFromCPU(pairs.Label.AsSpan(start, n));
            network.ForwardPairs(n);
            network.Device.Synchronize();
            network.Head.ReadPairs(outputs, start, n);
        }
        return outputs;
    }
}
