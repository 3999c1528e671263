namespace IlgpuSiamese.Measuring;

/// <summary>
/// A siamese network that a throughput benchmark can drive: this project's engine on one accelerator, or
/// a peer (TorchSharp) in the Benchmarks project. Each call does whole units of real work and returns
/// only when the results are on the host, so a stopwatch around it times the work itself.
/// </summary>
public interface IPairEngine : IDisposable
{
    /// <summary>A short unique name: "ilgpu cpu:0", "torchsharp cpu".</summary>
    string Id { get; }

    /// <summary>What runs it, in words: the device's name and its thread or unit count.</summary>
    string Description { get; }

    string Tower { get; }
    int TrainBatch { get; }
    int InferenceBatch { get; }

    /// <summary>False for an inference-only peer (ONNX Runtime): its training is reported as not applicable and <see cref="Train"/> is never called.</summary>
    bool Trains => true;

    /// <summary>Optimiser steps of <see cref="TrainBatch"/> pairs, on consecutive batches of the training pairs; each reads its per-pair losses back.</summary>
    void Train(int steps);

    /// <summary>Forward passes of <see cref="InferenceBatch"/> pairs (no dropout, no gradients) over consecutive test pairs; each reads its outputs back.</summary>
    void Infer(int batches);
}
