namespace IlgpuSiamese.Oracle;

/// <summary>
/// The float64 answer key for the peak kernel's FMA chains (Benchmarks/Measuring/FmaPeak.cs): accumulator c of every
/// work item, lane l, starts at 0 and steps <c>iterations</c> times acc ← a[c]·y[i mod rows, l] + acc.
/// </summary>
public static class FmaChainsReference
{
    /// <param name="y">(rows, lanes) the rows the steps cycle through.</param>
    /// <param name="a">(chains) each chain's factor.</param>
    /// <returns>(items, chains, lanes).</returns>
    public static double[] Run(int items, double[] y, double[] a, int lanes, int iterations)
    {
        var rows = y.Length / lanes;
        var result = new double[items * a.Length * lanes];
        for (var i = 0; i < result.Length; i++)
        {
            var (chain, lane) = (i / lanes % a.Length, i % lanes);
            for (var step = 0; step < iterations; step++)
                result[i] += a[chain] * y[step % rows * lanes + lane];
        }
        return result;
    }
}
