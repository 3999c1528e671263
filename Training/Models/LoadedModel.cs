using IlgpuSiamese.Kernels;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Network;
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
    {
        Path = path;
        Saved = ModelFile.Load(path);
        // Evaluation runs only pairs: a triplet-trained model needs two branches, not three.
        var config = Header.Network;
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

    public float[] Similarities(PairOutputs outputs) => Scoring.Similarities(Header.Network.Loss, outputs, Header.DistanceScale);

    public void Dispose() => Network.Dispose();
}
