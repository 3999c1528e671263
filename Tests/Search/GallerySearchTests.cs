using IlgpuSiamese.Network;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Models;
using IlgpuSiamese.Training.Search;
using ILGPU.Runtime;

namespace IlgpuSiamese.Tests.Search;

/// <summary>
/// One query against a gallery on every backend: the device distances against the float64 reference with the query
/// repeated (over two batches, one row equal to the query, under the floor), the head's distance buffer poisoned first.
/// </summary>
[TestFixtureSource(typeof(Backends), nameof(Backends.All))]
public class GallerySearchTests(string deviceId) : BackendFixture(deviceId)
{
    private const int GalleryRows = Trainer.EvaluationBatch + 44;
    private const int QueryRow = 270;

    [TestCase(LossKind.Contrastive)]
    [TestCase(LossKind.Bce)]
    [TestCase(LossKind.Triplet)]
    public void DistancesMatchTheReferenceAndRankByThem(LossKind loss)
    {
        using var temp = new TempFolder();
        var network = new TrainingConfig { Loss = loss }.Network();
        using var model = new LoadedModel(TestModels.Untrained(temp["model.siamese"], network), Device);
        var size = model.Network.EmbeddingSize;
        var numbers = new Numbers();
        var query = numbers.UniformFloat(size);
        var gallery = numbers.UniformFloat(GalleryRows * size);
        Array.Copy(query, 0, gallery, QueryRow * size, size);
        var reference = EuclideanDistanceReference.Forward(Enumerable.Range(0, GalleryRows).SelectMany(_ => query).ToArray(), gallery,
            new EuclideanDistanceShape(GalleryRows, size));
        // The head keeps a batch of n distances at [n, 2n) of its results: poison where both batches will land.
        foreach (var pairs in new[] { model.Network.MaxExamples, GalleryRows - model.Network.MaxExamples })
            model.Network.Head.Distances(pairs).CopyFromCPU(Enumerable.Repeat(float.NaN, pairs).ToArray());

        var outputs = GallerySearch.Score(model, Numbers.ToFloat(query), Numbers.ToFloat(gallery));

        Close.Assert("distance", outputs.Distances, reference);
        var ranked = GallerySearch.Rank(model, Numbers.ToFloat(query), Numbers.ToFloat(gallery), GalleryRows);
        Assert.That(ranked[0].Index, Is.EqualTo(QueryRow), "the query's own row ranks first");
        Assert.That(ranked.Select(h => h.Similarity), Is.Ordered.Descending);
        Assert.That(ranked.Select(h => h.Distance), Is.Ordered, "more similar is nearer");
        Assert.That(ranked.Select(h => h.Index), Is.Unique);
    }
}
