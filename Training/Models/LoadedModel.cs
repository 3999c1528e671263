using ILGPU.Runtime;
using IlgpuSiamese.Kernels;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Network;
using IlgpuSiamese.Network.Heads;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Training.Models;

/// <summary>A saved model on a device, ready to score pairs.</summary>
public sealed class LoadedModel : IDisposable
{
    public string Path { get; }
    public SavedModel Saved { get; }
    public ModelHeader Header => Saved.Header;
    public SiameseNetwork Network { get; }

    public LoadedModel(string path, ComputeDevice device, int maxBatch = Trainer.EvaluationBatch)
        : this(path, ModelFile.Load(path), device, maxBatch)
    {
    }

    /// <summary>A model already read (from a file or a resource) put on a device; <paramref name="path"/> names it in errors.</summary>
    public LoadedModel(string path, SavedModel saved, ComputeDevice device, int maxBatch = Trainer.EvaluationBatch)
    {
        Path = path;
        Saved = saved;
        if (Input.Channels != 1)
            throw new UserInputException($"{path}: the model takes {Input} inputs; images are fed to it as one grayscale channel (1x{Input.Height}x{Input.Width}).");
        var config = Header.Network;
        var largest = IndexLimits.Largest(config.Tower, IndexLimits.ImagesPerPass(config.Loss, maxBatch));
        if (!largest.FitsInt32)
            throw new UserInputException($"{path}: {largest.What} would hold {largest.Length:N0} numbers, more than a kernel can index ({int.MaxValue:N0}).");
        Network = new SiameseNetwork(device, config, maxBatch, seed: 0);
        if (Network.Parameters.Length != Header.ParameterCount)
        {
            Network.Dispose();
            throw new UserInputException($"{path}: holds {Header.ParameterCount} parameters, its architecture needs {Network.Parameters.Length}.");
        }
        Network.Parameters.Upload(Saved.Weights);
    }

    public TensorShape Input => Header.Network.Tower.Input;

    /// <summary>Refuses images of another size than the model's input, naming the file.</summary>
    public void RequireInput(LabelledImages images)
    {
        if (images.Height != Input.Height || images.Width != Input.Width)
            throw new UserInputException($"{Path}: the model takes {Input.Height}x{Input.Width} images, {images.Name} has {images.Height}x{images.Width}.");
    }

    public PairOutputs Run(DeviceImages images, PairSet pairs) => PairEvaluator.Run(Network, images, pairs);

    public Decision Decision => new(Header.Threshold, Header.DistanceScale);

    public float[] Similarities(PairOutputs outputs) => Network.Head.Similarities(outputs, Decision);

    /// <summary>The similarity of each pair of <paramref name="images"/>.</summary>
    public float[] Similarities(LabelledImages images, PairSet pairs)
    {
        RequireInput(images);
        using var onDevice = new DeviceImages(Network.Device, images, Network.Activations.MaxImages);
        return Similarities(Run(onDevice, pairs));
    }

    /// <summary>Every image's embedding, image-major (Count x EmbeddingSize): the tower alone, a full batch per launch.</summary>
    public float[] Embeddings(LabelledImages images)
    {
        RequireInput(images);
        var batch = Network.Activations.MaxImages;
        using var onDevice = new DeviceImages(Network.Device, images, batch);
        var size = Network.EmbeddingSize;
        var embeddings = new float[images.Count * size];
        int[][] indices = [new int[batch]];
        for (var start = 0; start < images.Count; start += batch)
        {
            var n = Math.Min(batch, images.Count - start);
            for (var i = 0; i < n; i++)
                indices[0][i] = start + i;
            onDevice.Load(Network.Activations, indices, n);
            Network.ForwardEmbeddings(n);
            Network.Device.Synchronize();
            Network.Activations.Embeddings(n).CopyToCPU(embeddings.AsSpan(start * size, n * size));
        }
        return embeddings;
    }

    public void Dispose() => Network.Dispose();
}
