using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Kernels.Ops;

/// <summary>dz: (Rows, Columns) row-major, one column per output  partials: (Chunks, Columns)  db: (Columns)</summary>
public readonly struct BiasGradientShape(int rows, int columns)
{
    /// <summary>Row blocks summed separately first: enough work items to fill every core.</summary>
    public const int Chunks = 64;

    public readonly int Rows = rows;
    public readonly int Columns = columns;

    // Stryker disable once all : read by kernels, so compiled by ILGPU (docs/mutation-testing.md)
    public int RowsPerChunk => (Rows + Chunks - 1) / Chunks;
    public int PartialLength => Chunks * Columns;

    /// <summary>The partial sums' work items: each block's columns in runs of 16.</summary>
    public int PartialRuns => Chunks * ((Columns + Row16.Length - 1) / Row16.Length);
}

/// <summary>
/// The bias gradient of a layer from its dz: db[o] += Σ_r dz[r, o], in two levels of fixed order so that it is
/// deterministic and spread over the device (one work item per output kept one core busy on a conv with 100,000
/// positions): partials[k, o] = Σ of dz's rows in block k, then db[o] += Σ_k partials[k, o].
/// Gradient rule: dBias accumulates (+=).
/// </summary>
// Stryker disable all : device code, compiled by ILGPU, which cannot compile mutant switching (docs/mutation-testing.md)
public static class BiasGradientKernels
{
    // dz: (R, O)  partials: (Chunks, O)   partials[k, o] = Σ_{r in block k} dz[r, o], rows in order.
    // One work item per block and run of 16 columns: 16 independent sums, one vector add per row on PoCL;
    // the columns past the last whole run are summed one by one, in the same order.
    public static void BiasGradientPartials(ArrayView<float> partials, ArrayView<float> dz, BiasGradientShape s)
    {
        var runs = (s.Columns + Row16.Length - 1) / Row16.Length;
        for (var i = GridStride.Start; i < BiasGradientShape.Chunks * runs; i += GridStride.Step)
        {
            var block = i / runs;
            var o0 = (i - block * runs) * Row16.Length;
            var first = block * s.RowsPerChunk;
            var end = first + s.RowsPerChunk < s.Rows ? first + s.RowsPerChunk : s.Rows;
            if (o0 + Row16.Length <= s.Columns)
            {
                var sum = default(Row16);
                for (var r = first; r < end; r++)
                    sum = Row16.Add(sum, Row16.Load(dz, r * s.Columns + o0));
                Row16.Store(partials, block * s.Columns + o0, sum);
                continue;
            }
            for (var o = o0; o < s.Columns; o++)
            {
                var sum = 0f;
                for (var r = first; r < end; r++)
                    sum += dz[r * s.Columns + o];
                partials[block * s.Columns + o] = sum;
            }
        }
    }

    // partials: (Chunks, O)  db: (O)   db[o] += Σ_k partials[k, o]
    public static void BiasGradientAccumulate(ArrayView<float> dBias, ArrayView<float> partials, BiasGradientShape s)
    {
        for (var o = GridStride.Start; o < s.Columns; o += GridStride.Step)
        {
            var sum = 0f;
            for (var k = 0; k < BiasGradientShape.Chunks; k++)
                sum += partials[k * s.Columns + o];
            dBias[o] += sum;
        }
    }
}
// Stryker restore all

/// <summary>The bias gradient on one device; conv and dense layers call it with their dz (positions or images x outputs).</summary>
public sealed class BiasGradient(ComputeDevice device) : IDisposable
{
    private readonly ScratchBuffer partials = new(device);

    // dz: (R, O)  db: (O)
    public void Accumulate(ArrayView<float> dBias, ArrayView<float> dz, BiasGradientShape s)
    {
        var sums = partials.Get(s.PartialLength);
        device.Run(BiasGradientKernels.BiasGradientPartials, device.Launch(s.PartialRuns), sums, dz, s);
        device.Run(BiasGradientKernels.BiasGradientAccumulate, device.Launch(s.Columns), dBias, sums, s);
    }

    public void Dispose() => partials.Dispose();
}
