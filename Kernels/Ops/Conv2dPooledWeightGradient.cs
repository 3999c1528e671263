using ILGPU;
using static IlgpuSiamese.Kernels.FusedMultiplyAdd;

namespace IlgpuSiamese.Kernels.Ops;

// A convolution with few taps (the first layer: C·K·K = 4 or 9) followed by a 2×2 max-pool: its dz is the pool's
// gradient at each window's argmax and 0 at the other three positions, so
//   dW[o, t] = Σ_windows g · col[t, argmax],   dB[o] = Σ_windows g,   g = dPooled · [pooled > 0] (no mask without ReLU)
// summed over a quarter of the positions, without forming dz (12.8-25.7 MB a step for the first convs).
// Two fixed-order levels: per (image, channel) plane a partial sum, then the planes in image order.
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static partial class Conv2dKernels
{
    // dPooled, pooled, argmax: (N, O, H/2, W/2)  col: (C·K·K, N·H·W)  partials: (N·O, C·K·K + 1), the bias last.
    // One work item per plane (n, o); its windows in runs of 16 (one lane per window, each lane summing every 16th
    // window, then the lanes as a tree), the windows past the last whole run one by one after that.
    public static void Conv2dPooledWeightGradientPartials(ArrayView<float> partials, ArrayView<float> dPooled,
        ArrayView<float> pooled, ArrayView<int> argmax, ArrayView<float> col, Conv2dShape s)
    {
        var area = s.Height * s.Width;
        var pooledArea = s.Height / 2 * (s.Width / 2);
        var runsEnd = pooledArea / Row16.Length * Row16.Length;
        var sums = s.Taps + 1;
        for (var plane = GridStride.Start; plane < s.Batch * s.OutChannels; plane += GridStride.Step)
        {
            var n = plane / s.OutChannels;
            var windows = plane * pooledArea;
            // argmax indexes y (N, O, H, W): plane·HW + p; the column of position p is n·HW + p.
            var toColumn = n * area - plane * area;
            for (var t = 0; t < s.Taps; t++)
            {
                var row = t * s.Positions + toColumn;
                var lanes = default(Row16);
                for (var i = windows; i < windows + runsEnd; i += Row16.Length)
                    lanes = Row16.MultiplyAdd(PoolGradients(dPooled, pooled, i, s), Row16.Gather(col, row, argmax, i), lanes);
                var sum = Row16.Sum(lanes);
                for (var i = windows + runsEnd; i < windows + pooledArea; i++)
                    sum = MultiplyAdd(PoolGradient(dPooled, pooled, i, s), col[row + argmax[i]], sum);
                partials[plane * sums + t] = sum;
            }
            var biasLanes = default(Row16);
            for (var i = windows; i < windows + runsEnd; i += Row16.Length)
                biasLanes = Row16.Add(biasLanes, PoolGradients(dPooled, pooled, i, s));
            var bias = Row16.Sum(biasLanes);
            for (var i = windows + runsEnd; i < windows + pooledArea; i++)
                bias += PoolGradient(dPooled, pooled, i, s);
            partials[plane * sums + s.Taps] = bias;
        }
    }

    // partials: (N·O, C·K·K + 1)  dw: (O, C·K·K)  db: (O)   dW[o, t] += Σ_n partials[(n, o), t], dB[o] += Σ_n partials[(n, o), C·K·K]
    public static void Conv2dPooledWeightGradientAccumulate(ArrayView<float> dWeight, ArrayView<float> dBias,
        ArrayView<float> partials, Conv2dShape s)
    {
        var sums = s.Taps + 1;
        for (var i = GridStride.Start; i < s.OutChannels * sums; i += GridStride.Step)
        {
            var o = i / sums;
            var t = i - o * sums;
            var sum = 0f;
            for (var n = 0; n < s.Batch; n++)
                sum += partials[(n * s.OutChannels + o) * sums + t];
            if (t < s.Taps)
                dWeight[o * s.Taps + t] += sum;
            else
                dBias[o] += sum;
        }
    }

    private static float PoolGradient(ArrayView<float> dPooled, ArrayView<float> pooled, int i, Conv2dShape s) =>
        s.Relu == 0 | pooled[i] > 0f ? dPooled[i] : 0f;

    private static Row16 PoolGradients(ArrayView<float> dPooled, ArrayView<float> pooled, int i, Conv2dShape s)
    {
        var gradients = Row16.Load(dPooled, i);
        return s.Relu == 0 ? gradients : Row16.WherePositive(gradients, Row16.Load(pooled, i));
    }
}
// Stryker restore all
