using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Measuring;

/// <summary>The work of one op in one pass: floating-point operations and bytes moved to and from device memory.</summary>
public readonly record struct OpCost(double Flops, double Bytes)
{
    public static OpCost operator +(OpCost a, OpCost b) => new(a.Flops + b.Flops, a.Bytes + b.Bytes);
}

/// <summary>
/// Every FLOP and byte count the per-layer profile reports, from the layer shapes, in one place. The
/// conventions: a multiply-add is 2 FLOPs; a conv's or dense layer's FLOPs are its GEMMs' 2·M·N·K and nothing
/// else (its bias, ReLU, dz, im2col and col2im passes count bytes only: they are small against the products);
/// an elementwise pass of any other op counts 1 FLOP per
/// element it computes (a compare or a copy counts 0 where said). Bytes are compulsory traffic in float32
/// (4 bytes): every array a kernel reads counted once, every array it writes counted once, an accumulated
/// (+=) array read and written; caches are ignored, so an im2col pass counts its whole column matrix read
/// (the gathered taps) and written. These are models of the kernels in Kernels/Ops, not counters.
/// </summary>
public static class OpCosts
{
    private const double Float = 4;

    /// <summary>A GEMM C (M×N) = A (M×K) · B (K×N): 2·M·N·K FLOPs; reads A and B, writes C (and reads it when it accumulates).</summary>
    public static OpCost Gemm(double m, double n, double k, bool accumulate) =>
        new(2 * m * n * k, (m * k + k * n + m * n * (accumulate ? 2 : 1)) * Float);

    /// <summary>An elementwise pass: <paramref name="flops"/> FLOPs, <paramref name="reads"/> and <paramref name="writes"/> float elements.</summary>
    public static OpCost Elementwise(double flops, double reads, double writes) => new(flops, (reads + writes) * Float);

    /// <summary>
    /// Conv k×k, stride 1, same padding, forward as im2col + GEMM: im2col reads and writes the column
    /// matrix (C·K·K × N·H·W); y (O × N·H·W) = W (O × C·K·K) · col: 2·N·O·H·W·C·K·K FLOPs.
    /// </summary>
    public static OpCost ConvForward(int n, int c, int h, int w, int o, int k)
    {
        double taps = (double)c * k * k, positions = (double)n * h * w;
        return Elementwise(0, taps * positions, taps * positions) + Gemm(o, positions, taps, accumulate: false);
    }

    /// <summary>
    /// Conv backward: dzT = dy·[y &gt; 0] (reads dy and y, or, <paramref name="throughPool"/>, the pool's gradient,
    /// output and argmax at a quarter of the size; writes dzT), dB += Σ dzT (reads dzT), dW += col · dzT
    /// (2·N·O·H·W·C·K·K FLOPs, col as the forward left it); and with <paramref name="inputGradient"/> (every layer but
    /// the first) dz formed the same way channel-major, dcol = Wᵀ · dz (the same FLOPs again) and col2im (reads
    /// dcol, writes dx); or, where the plan's <paramref name="plan"/> input gradient is shifted runs, dx summed straight
    /// from the taps' runs of dz (the same FLOPs; reads dz and W, writes dx). Where its weight gradient is pooled sums, dW and dB are
    /// instead summed per window: a multiply-add per window, tap and channel (reads the pool's three tensors and
    /// col, writes a partial sum per plane and tap, then adds those into dW and dB).
    /// </summary>
    public static OpCost ConvBackward(Conv2dPlan plan, bool inputGradient)
    {
        var (n, c, h, w, o, k, throughPool) = (plan.Shape.Batch, plan.Shape.InChannels, plan.Shape.Height, plan.Shape.Width,
            plan.Shape.OutChannels, plan.Shape.Kernel, plan.Pooled);
        double taps = (double)c * k * k, positions = (double)n * h * w, outputs = o * positions;
        var preActivation = Elementwise(0, throughPool ? 0.75 * outputs : 2 * outputs, outputs);
        var cost = plan.WeightGradient == ConvWeightGradientPath.PooledSums
            ? ParametersFromPool(n, o, taps, positions)
            : preActivation                                             // dzT
              + Elementwise(0, outputs, o)                              // dB
              + Gemm(o, taps, positions, accumulate: true);             // dW
        if (inputGradient && plan.InputGradient == ConvInputGradientPath.ShiftedRuns)
            cost += preActivation                                        // dz
                    + new OpCost(2 * taps * positions * o, 0)            // dx from the taps' runs of dz
                    + Elementwise(0, o * positions + o * taps, (double)n * c * h * w);
        else if (inputGradient)
            cost += preActivation                                        // dz
                    + Gemm(taps, positions, o, accumulate: false)        // dcol
                    + Elementwise(0, taps * positions, (double)n * c * h * w); // col2im
        return cost;
    }

    private static OpCost ParametersFromPool(int n, int o, double taps, double positions)
    {
        double windows = o * positions / 4, partials = (double)n * o * (taps + 1);
        return new OpCost(2 * windows * (taps + 1), 0)
               + Elementwise(0, 3 * windows + taps * positions, partials)   // per plane and tap
               + Elementwise(0, partials, 2 * o * (taps + 1));              // into dW and dB (+=)
    }

    /// <summary>Dense forward: Wᵀ is transposed (reads and writes In·Out), then y (N×Out) = X (N×In) · Wᵀ: 2·N·In·Out FLOPs.</summary>
    public static OpCost DenseForward(int n, int inputs, int outputs) =>
        Elementwise(0, (double)inputs * outputs, (double)inputs * outputs) + Gemm(n, outputs, inputs, accumulate: false);

    /// <summary>Dense backward: dz (reads dy, y, writes dz), dB += Σ dz, dW += dzᵀ · X (2·N·In·Out), and dX = dz · W (2·N·In·Out) unless it is the first layer.</summary>
    public static OpCost DenseBackward(int n, int inputs, int outputs, bool inputGradient)
    {
        double z = (double)n * outputs;
        var cost = Elementwise(0, 2 * z, z) + Elementwise(0, z, outputs) + Gemm(outputs, inputs, n, accumulate: true);
        if (inputGradient)
            cost += Gemm(n, inputs, outputs, accumulate: false);
        return cost;
    }

    /// <summary>Max-pool 2×2 forward: 3 compares per output (counted as FLOPs); reads x, writes y and the argmax (an int, 4 bytes).</summary>
    public static OpCost MaxPoolForward(double inputs, double outputs) => Elementwise(3 * outputs, inputs, 2 * outputs);

    /// <summary>Max-pool backward, a gather per input element: reads dy and the argmax, writes every dx (0 FLOPs).</summary>
    public static OpCost MaxPoolBackward(double inputs, double outputs) => Elementwise(0, 2 * outputs, inputs);

    /// <summary>Inverted dropout, either pass: one multiply per element (the mask is a hash, never stored); reads one array, writes one.</summary>
    public static OpCost Dropout(double elements) => Elementwise(elements, elements, elements);

    /// <summary>Global average pooling forward: one add per input (and a scale per output); reads x, writes N·C.</summary>
    public static OpCost GlobalAvgPoolForward(double inputs, double outputs) => Elementwise(inputs + outputs, inputs, outputs);

    /// <summary>Global average pooling backward: dx = dy / (H·W) per input; reads dy, writes dx.</summary>
    public static OpCost GlobalAvgPoolBackward(double inputs, double outputs) => Elementwise(inputs, outputs, inputs);

    /// <summary>
    /// The pair head forward: the distance (sub, square, add per feature: 3·P·D; reads both embeddings, writes d)
    /// then the per-pair loss (~10 FLOPs a pair; reads d and the label, writes the loss and, for BCE, p).
    /// </summary>
    public static OpCost PairHeadForward(int pairs, int features) =>
        Elementwise(3.0 * pairs * features, 2.0 * pairs * features, pairs) + Elementwise(10.0 * pairs, 2.0 * pairs, 2.0 * pairs);

    /// <summary>
    /// The pair head backward: dLoss/dd (~10 FLOPs a pair; reads p or d and the label, writes dd), then the distance's
    /// backward, which recomputes each row's Σ (3·D) and scales the difference (2 FLOPs) for both twins' gradients:
    /// reads dd, d and both embeddings, writes both gradients.
    /// </summary>
    public static OpCost PairHeadBackward(int pairs, int features) =>
        Elementwise(10.0 * pairs, 3.0 * pairs, pairs) +
        Elementwise(2.0 * pairs * features * (3 + 2), 2.0 * pairs + 2.0 * pairs * features, 2.0 * pairs * features);

    /// <summary>Zeroing the gradients: writes every parameter's gradient once, 0 FLOPs.</summary>
    public static OpCost ZeroGradients(int parameters) => Elementwise(0, 0, parameters);

    /// <summary>Adam: ~12 FLOPs per parameter (two moment updates, sqrt, divide, step); reads w, m, v, g, writes w, m, v.</summary>
    public static OpCost Adam(int parameters) => Elementwise(12.0 * parameters, 4.0 * parameters, 3.0 * parameters);

    /// <summary>
    /// The image gather: the host copies the batch's indices up (4 bytes an image), each pixel is read as a byte
    /// and written as a float scaled to [0, 1] (1 FLOP).
    /// </summary>
    public static OpCost Gather(int images, int pixels) => new((double)images * pixels, images * 4.0 + (double)images * pixels * (1 + Float));

    /// <summary>The labels' host-to-device copy: 4 bytes a pair.</summary>
    public static OpCost Labels(int pairs) => new(0, pairs * Float);
}
