using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Training.Maps;

/// <summary>How embeddings become points in the plane.</summary>
public enum MapProjection
{
    /// <summary>The embedding itself: only for models trained with a 2-value embedding.</summary>
    Direct,

    /// <summary>The two principal components (linear; distances along them are the embedding's own).</summary>
    Pca,

    /// <summary>Exact t-SNE on the device (non-linear; keeps neighbours together, not distances).</summary>
    Tsne,
}

/// <summary>Embeddings as points in the plane (count x 2, row-major), with what each axis is.</summary>
public sealed record EmbeddingMap(float[] Points, MapProjection Projection, string XLabel, string YLabel)
{
    /// <summary>The projection a map gets when none is asked for: the embedding itself when it has 2 values, else t-SNE.</summary>
    public static MapProjection DefaultFor(int embeddingSize) => embeddingSize == 2 ? MapProjection.Direct : MapProjection.Tsne;

    /// <summary>embeddings: count x size, row-major. progress(iterations done) is reported by t-SNE only.</summary>
    public static EmbeddingMap Of(float[] embeddings, int count, int size, MapProjection projection, ComputeDevice device,
        TsneSettings tsne, Action<int>? progress = null)
    {
        switch (projection)
        {
            case MapProjection.Direct when size != 2:
                throw new UsageException($"--projection direct needs a model whose embedding has 2 values (train --embedding 2); this one has {size}: use pca or tsne");
            case MapProjection.Direct:
                return new EmbeddingMap(embeddings, projection, "embedding value 1", "embedding value 2");
            case MapProjection.Pca:
                var (points, shares) = PrincipalComponents.Project(embeddings, count, size);
                return new EmbeddingMap(points, projection, $"principal component 1 ({shares[0] * 100:0}% of the variance)",
                    $"principal component 2 ({shares[1] * 100:0}% of the variance)");
            case MapProjection.Tsne when tsne.Perplexity >= count - 1:
                throw new UsageException($"t-SNE with --perplexity {tsne.Perplexity:0.#} needs more than {Math.Floor(tsne.Perplexity) + 1} images; there are {count}: lower --perplexity or use --projection pca");
            case MapProjection.Tsne when count > Tsne.MaxCount:
                throw new UsageException($"t-SNE holds an N x N matrix and takes at most {Tsne.MaxCount:N0} images; there are {count:N0}: use --projection pca");
            default:
                return new EmbeddingMap(Tsne.Project(device, embeddings, count, size, tsne, progress), projection, "t-SNE 1", "t-SNE 2");
        }
    }
}
