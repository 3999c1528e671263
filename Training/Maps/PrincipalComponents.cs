using MathNet.Numerics.LinearAlgebra;

namespace IlgpuSiamese.Training.Maps;

/// <summary>
/// The two directions of largest variance of a set of embeddings, and the embeddings projected on them. The covariance
/// (F x F, float64) is decomposed by MathNet.Numerics' symmetric eigensolver. An eigenvector's sign is arbitrary, so each
/// is turned to make its largest component positive: the same embeddings always give the same picture.
/// </summary>
public static class PrincipalComponents
{
    /// <summary>embeddings: count x size, row-major. Returns count x 2 (x0, y0, x1, y1, ...) and each axis's share of the variance.</summary>
    public static (float[] Points, double[] VarianceShares) Project(float[] embeddings, int count, int size)
    {
        if (count < 2 || size < 2 || embeddings.Length != count * size)
            throw new ArgumentException($"PCA needs at least 2 embeddings of at least 2 values: {count} of {size} given in {embeddings.Length} values");
        var data = Matrix<double>.Build.Dense(count, size, (i, k) => embeddings[i * size + k]);
        var mean = data.ColumnSums() / count;
        var centred = data - Matrix<double>.Build.Dense(count, size, (_, k) => mean[k]);
        var covariance = centred.TransposeThisAndMultiply(centred) / (count - 1);
        var evd = covariance.Evd(Symmetricity.Symmetric);
        var eigenvalues = evd.EigenValues.Select(v => v.Real).ToArray();
        var largest = Enumerable.Range(0, size).OrderByDescending(k => eigenvalues[k]).ThenBy(k => k).Take(2).ToArray();
        var axes = Matrix<double>.Build.DenseOfColumnVectors(largest.Select(k => WithLargestPositive(evd.EigenVectors.Column(k))));
        var projected = centred * axes;
        var points = new float[count * 2];
        for (var i = 0; i < count; i++)
        {
            points[2 * i] = (float)projected[i, 0];
            points[2 * i + 1] = (float)projected[i, 1];
        }
        var total = eigenvalues.Sum(v => Math.Max(v, 0));
        return (points, largest.Select(k => total > 0 ? Math.Max(eigenvalues[k], 0) / total : 0).ToArray());
    }

    private static Vector<double> WithLargestPositive(Vector<double> axis) =>
        axis[axis.AbsoluteMaximumIndex()] < 0 ? -axis : axis;
}
