using IlgpuSiamese.Network;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Models;

namespace IlgpuSiamese.Tests.Support;

/// <summary>Model files made in tests: untrained (seeded Glorot weights), or with an architecture of one's choosing.</summary>
public static class TestModels
{
    /// <summary>An untrained model of the default configuration (flat tower, contrastive loss) at <paramref name="path"/>.</summary>
    public static string Untrained(string path, NetworkConfig? network = null)
    {
        network ??= new TrainingConfig().Network();
        using var built = new SiameseNetwork(Backends.Open("cpu:0"), network, maxExamples: 1, seed: 5);
        return Write(path, network, built.Parameters.InitialValues(seed: 5));
    }

    public static string Write(string path, NetworkConfig network, float[] weights)
    {
        var header = new ModelHeader(network, weights.Length, Threshold: 0.5, DistanceScale: 0.5, new TrainingConfig(), "synthetic", "none",
            new TrainingProgress(1, 0, 0, 0, 0, 0), [], DateTime.UtcNow);
        ModelFile.Save(path, new SavedModel(header, weights, null, null));
        return path;
    }
}
