using ILGPU;
using ILGPU.Algorithms;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>a, b: (N, F)  d: (N)</summary>
public readonly struct EuclideanDistanceShape(int batch, int features)
{
    public readonly int Batch = batch;
    public readonly int Features = features;

    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int InputLength => Batch * Features;
}

/// <summary>
/// Distance between the two embeddings of a pair: d[n] = sqrt(max(Σ_k (a[n,k] - b[n,k])², floor)).
/// The floor keeps sqrt away from 0, where its derivative is infinite; below it no gradient flows.
/// Gradient rule: dA and dB are activation gradients, assigned (=).
/// The backward runs one item per (n, k) and recomputes its row's Σ with the forward's own loop, so its
/// clamp test is bit-for-bit the forward's (comparing the stored d with sqrt(floor) would depend on how
/// each backend rounds sqrt); that costs F multiply-adds per item, nothing next to the towers.
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static class EuclideanDistanceKernels
{
    /// <summary>The floor on the squared distance (Keras' epsilon, 1e-7 in float32).</summary>
    public const float SquaredDistanceFloor = 1e-7f;

    /// <summary>Σ_k (a[n,k] - b[n,k])² in a fixed order; every kernel that needs it calls this one loop.</summary>
    public static float SquaredDistance(ArrayView<float> a, ArrayView<float> b, int n, int features)
    {
        var row = n * features;
        var sum = 0f;
        for (var k = 0; k < features; k++)
        {
            var difference = a[row + k] - b[row + k];
            sum += difference * difference;
        }
        return sum;
    }

    // rows: (N, F)  squared: (N, N)  squared[i·N + j] = Σ_k (rows[i,k] − rows[j,k])² by the loop above: symmetric bit for
    // bit. The mined losses' batch matrix and t-SNE's input distances.
    public static void PairwiseSquaredDistances(ArrayView<float> squared, ArrayView<float> rows, int count, int features)
    {
        for (var index = GridStride.Start; index < count * count; index += GridStride.Step)
        {
            var (i, j) = (index / count, index % count);
            squared[index] = SquaredDistance(rows.SubView(i * features, features), rows.SubView(j * features, features), 0, features);
        }
    }

    /// <summary>d = sqrt(max(Σ, floor)) from the squared distance.</summary>
    public static float FromSquared(float squaredDistance) => XMath.Sqrt(Clamp.AtLeast(squaredDistance, SquaredDistanceFloor));

    // a, b: (N, F)  d: (N)
    public static void EuclideanDistanceForward(ArrayView<float> distance, ArrayView<float> a, ArrayView<float> b,
        EuclideanDistanceShape s)
    {
        for (var n = GridStride.Start; n < s.Batch; n += GridStride.Step)
            distance[n] = FromSquared(SquaredDistance(a, b, n, s.Features));
    }

    // dd: (N)  d: (N)  a, b: (N, F)  da, db: (N, F)   da = dd (a - b) / d,  db = -da,  0 where Σ < floor
    public static void EuclideanDistanceBackward(ArrayView<float> dA, ArrayView<float> dB, ArrayView<float> dDistance,
        ArrayView<float> distance, ArrayView<float> a, ArrayView<float> b, EuclideanDistanceShape s)
    {
        for (var i = GridStride.Start; i < s.InputLength; i += GridStride.Step)
        {
            var n = i / s.Features;
            var gradient = SquaredDistance(a, b, n, s.Features) < SquaredDistanceFloor
                ? 0f
                : dDistance[n] * (a[i] - b[i]) / distance[n];
            dA[i] = gradient;
            dB[i] = -gradient;
        }
    }
}
// Stryker restore all

/// <summary>The pair distance on one device.</summary>
public sealed class EuclideanDistance(ComputeDevice device)
{
    // a, b: (N, F)  d: (N)
    public void Forward(ArrayView<float> distance, ArrayView<float> a, ArrayView<float> b, EuclideanDistanceShape s) =>
        device.Run(EuclideanDistanceKernels.EuclideanDistanceForward, device.Launch(s.Batch), distance, a, b, s);

    // dd, d: (N)  a, b: (N, F)  da, db: (N, F)
    public void Backward(ArrayView<float> dA, ArrayView<float> dB, ArrayView<float> dDistance, ArrayView<float> distance,
        ArrayView<float> a, ArrayView<float> b, EuclideanDistanceShape s) =>
        device.Run(EuclideanDistanceKernels.EuclideanDistanceBackward, device.Launch(s.InputLength), dA, dB, dDistance, distance, a, b, s);
}
