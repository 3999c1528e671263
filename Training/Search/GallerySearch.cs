using ILGPU.Runtime;
using IlgpuSiamese.Network.Heads;
using IlgpuSiamese.Training.Models;

namespace IlgpuSiamese.Training.Search;

/// <summary>One gallery image ranked against the query: its row in the gallery, distance and similarity.</summary>
public sealed record SearchHit(int Index, float Distance, float Similarity);

/// <summary>
/// One query embedding against many gallery embeddings. The distances run on the device through the model's own
/// pair head (the same EuclideanDistance kernel and, for BCE models, the same sigmoid that compare runs): the
/// query is repeated into the first block of each batch and the gallery fills the second, so no broadcast kernel
/// of its own is needed. Top-k is a sort of the similarities on the host; it is O(n log n) over one float per image.
/// </summary>
public static class GallerySearch
{
    /// <summary>The head's outputs for (query, gallery[i]) for every gallery row (Count x EmbeddingSize, image-major).</summary>
    public static PairOutputs Score(LoadedModel model, ReadOnlySpan<float> query, float[] gallery)
    {
        var network = model.Network;
        var size = network.EmbeddingSize;
        if (query.Length != size || gallery.Length % size != 0)
            throw new ArgumentException($"embeddings of {size} values expected: query has {query.Length}, gallery {gallery.Length}");
        var count = gallery.Length / size;
        var outputs = new PairOutputs(new float[count], new float[count], new float[count], new float[count]);
        var batch = network.MaxExamples;
        var repeated = new float[batch * size];
        for (var i = 0; i < batch; i++)
            query.CopyTo(repeated.AsSpan(i * size, size));
        var labels = new float[batch];
        for (var start = 0; start < count; start += batch)
        {
            var n = Math.Min(batch, count - start);
            var embeddings = network.Activations.Embeddings(2 * n);
            embeddings.SubView(0, (long)n * size).CopyFromCPU(repeated.AsSpan(0, n * size));
            embeddings.SubView((long)n * size, (long)n * size).CopyFromCPU(gallery.AsSpan(start * size, n * size));
            network.Head.Labels(n).CopyFromCPU(labels.AsSpan(0, n));
            network.Head.ForwardPairs(embeddings, n);
            network.Device.Synchronize();
            network.Head.ReadPairs(outputs, start, n);
        }
        return outputs;
    }

    /// <summary>The <paramref name="top"/> most similar gallery rows, most similar first (ties: nearer, then earlier row).</summary>
    public static List<SearchHit> Rank(LoadedModel model, ReadOnlySpan<float> query, float[] gallery, int top)
    {
        var outputs = Score(model, query, gallery);
        var similarities = model.Similarities(outputs);
        return Enumerable.Range(0, similarities.Length)
            .Select(i => new SearchHit(i, outputs.Distances[i], similarities[i]))
            .OrderByDescending(h => h.Similarity).ThenBy(h => h.Distance).ThenBy(h => h.Index)
            .Take(top).ToList();
    }
}
