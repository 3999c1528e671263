using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>
/// How the O(N²) passes run on a device:
/// <list type="table">
/// <item><term><see cref="Points"/></term><description>GPUs and ILGPU's CPU accelerator: an item per point, neighbouring
///   items reading neighbouring addresses of P's column.</description></item>
/// <item><term><see cref="Blocks16"/></term><description>CPU OpenCL (PoCL): an item per block of 16 consecutive points in
///   16-lane straight-line code that the compiler vectorises, the last N mod 16 points an item each. One work item runs
///   its j loop alone there, so across-item vectorisation does not happen.</description></item>
/// </list>
/// </summary>
public enum TsnePath
{
    Points,
    Blocks16,
}

public static class TsnePlan
{
    public static TsnePath For(DeviceInfo device) =>
        device.Kind == DeviceKind.OpenCL && device.Type == "CPU" ? TsnePath.Blocks16 : TsnePath.Points;
}

/// <summary>
/// One t-SNE map on a device: P (N×N, built in place over the squared distances), the perplexity search's β (N), and
/// the optimiser's planes (2×N: all x, then all y) for Y, its last update, its gains and its gradient, with the
/// gradient's terms A, B, S (5×N) and Z (1). <see cref="TsneKernels"/> says what each kernel computes.
/// </summary>
public sealed class TsneMap : IDisposable
{
    private readonly ComputeDevice device;
    private readonly TsneShape shape;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> affinities, betas, positions, update, gains, gradient, terms, normalizer, divergence;

    public TsneMap(ComputeDevice device, int count, TsnePath? path = null)
    {
        this.device = device;
        Path = path ?? TsnePlan.For(device.Info);
        shape = new TsneShape(count);
        affinities = device.Allocate((long)count * count);
        betas = device.Allocate(count);
        positions = device.Allocate(2 * count);
        update = device.Allocate(2 * count);
        gains = device.Allocate(2 * count);
        gradient = device.Allocate(2 * count);
        terms = device.Allocate(5 * count);
        normalizer = device.Allocate(1);
        divergence = device.Allocate(2 * count);
    }

    public int Count => shape.Count;

    public TsnePath Path { get; }

    /// <summary>
    /// How many blocks of 16 points the blocked kernels take; the per-point kernels take the rest. The blocks go out as
    /// tiles (<see cref="ComputeDevice.LaunchTiles"/>): PoCL runs a work-group on one core, and small groups share
    /// 625 blocks (N = 10,000) evenly between the cores, where groups of 256 would leave one core a group behind.
    /// </summary>
    private int Blocked => Path == TsnePath.Blocks16 ? Count / TsneTerms16.Length : 0;

    /// <summary>P (N×N), symmetric, after <see cref="Affinities"/>.</summary>
    public ArrayView<float> P => affinities.View;

    /// <summary>The precisions β_i the perplexity search found.</summary>
    public ArrayView<float> Betas => betas.View;

    /// <summary>Y as two planes: x_0 … x_{N−1}, y_0 … y_{N−1}.</summary>
    public ArrayView<float> Positions => positions.View;

    /// <summary>The gradient ∂C/∂Y (two planes) of the last <see cref="Step"/>, with its exaggeration.</summary>
    public ArrayView<float> Gradient => gradient.View;

    /// <summary>Z = Σ_{k≠l} w_kl of the last <see cref="Step"/>.</summary>
    public ArrayView<float> Normalizer => normalizer.View;

    // points: (N, F)
    public void Affinities(ArrayView<float> points, int dimensions, float perplexity)
    {
        device.Run(EuclideanDistanceKernels.PairwiseSquaredDistances, device.Launch(shape.MatrixLength), P, points, Count, dimensions);
        var first = Blocked * TsneSearch16.Length;
        if (Blocked > 0)
            device.Run(TsneKernels.TsneConditionalsBlocks, device.LaunchTiles(Blocked), P, Betas, perplexity, shape);
        if (first < Count)
            device.Run(TsneKernels.TsneConditionals, device.Launch(Count - first), P, Betas, perplexity, first, shape);
        device.Run(TsneKernels.TsneJoint, device.Launch(shape.MatrixLength), P, shape);
    }

    /// <summary>Starts the optimiser at <paramref name="planes"/> (two planes) with no update and gains of 1.</summary>
    public void Start(float[] planes)
    {
        if (planes.Length != 2 * Count)
            throw new ArgumentException($"a map of {Count} points has {2 * Count} coordinates, got {planes.Length}", nameof(planes));
        Positions.CopyFromCPU(planes);
        Update.CopyFromCPU(new float[2 * Count]);
        Gains.CopyFromCPU(Enumerable.Repeat(1f, 2 * Count).ToArray());
    }

    /// <summary>Iteration <paramref name="iteration"/> (from 0) of gradient descent, with the constants of <see cref="TsneSchedule"/>.</summary>
    public void Step(int iteration)
    {
        GradientTerms();
        device.Run(TsneKernels.TsneUpdate, device.Launch(2 * Count), Positions, Update, Gains, Gradient, Terms, Normalizer,
            TsneSchedule.For(iteration, Count));
    }

    /// <summary>
    /// KL(P‖Q) of the map as it is: Σ_{i≠j} P_ij log(P_ij / q_ij) = Σ_i Σ_j P_ij log(P_ij / w_ij) + (Σ P) log Z, the per-point
    /// sums in float32 on the device, their total in double here. Refreshes <see cref="Normalizer"/>.
    /// </summary>
    public double KullbackLeibler()
    {
        GradientTerms();
        device.Run(TsneKernels.TsneDivergenceTerms, device.Launch(Count), Divergence, P, Positions, shape);
        device.Synchronize();
        var (perPoint, z) = (new float[2 * Count], new float[1]);
        Divergence.CopyToCPU(perPoint);
        Normalizer.CopyToCPU(z);
        return perPoint.Take(Count).Sum(v => (double)v) + perPoint.Skip(Count).Sum(v => (double)v) * Math.Log(z[0]);
    }

    private void GradientTerms()
    {
        var first = Blocked * TsneTerms16.Length;
        if (Blocked > 0)
            device.Run(TsneKernels.TsneGradientTermsBlocks, device.LaunchTiles(Blocked), Terms, P, Positions, shape);
        if (first < Count)
            device.Run(TsneKernels.TsneGradientTerms, device.Launch(Count - first), Terms, P, Positions, first, shape);
        device.Run(TsneKernels.TsneNormalizer, device.Launch(1), Normalizer, Terms, shape);
    }

    private ArrayView<float> Terms => terms.View;
    private ArrayView<float> Update => update.View;
    private ArrayView<float> Gains => gains.View;
    private ArrayView<float> Divergence => divergence.View;

    public void Dispose()
    {
        foreach (var buffer in new[] { affinities, betas, positions, update, gains, gradient, terms, normalizer, divergence })
            buffer.Dispose();
    }
}
