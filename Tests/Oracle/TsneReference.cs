using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Oracle;

/// <summary>
/// The float64 answer key for <see cref="Tsne"/>: the affinities, the gradient and the objective whose gradient it is,
/// and the optimiser's iterations, written as the formulas read (docs/math.md, "t-SNE of the embeddings").
/// Matrices are row-major N×N, maps two planes (all x, then all y) as on the device.
/// </summary>
public static class TsneReference
{
    public sealed record Affinities(double[] Conditionals, double[] Betas, double[] P);

    public static double[] SquaredDistances(double[] points, int count, int dimensions)
    {
        var squared = new double[count * count];
        for (var i = 0; i < count; i++)
        for (var j = 0; j < count; j++)
        {
            var sum = 0.0;
            for (var k = 0; k < dimensions; k++)
                sum += Math.Pow(points[i * dimensions + k] - points[j * dimensions + k], 2);
            squared[i * count + j] = sum;
        }
        return squared;
    }

    /// <summary>Row i of p_{j|i} = exp(−β D_ij) / Σ_{k≠i} exp(−β D_ik), and its entropy in nats.</summary>
    public static (double[] Row, double Entropy) Conditional(double[] squared, int count, int i, double beta)
    {
        var nearest = Nearest(squared, count, i);
        var weights = Enumerable.Range(0, count).Select(j => j == i ? 0 : Math.Exp(-beta * (squared[i * count + j] - nearest))).ToArray();
        var sum = weights.Sum();
        var row = weights.Select(w => w / sum).ToArray();
        return (row, -row.Where(p => p > 0).Sum(p => p * Math.Log(p)));
    }

    private static double Nearest(double[] squared, int count, int i) =>
        Enumerable.Range(0, count).Where(j => j != i).Min(j => squared[i * count + j]);

    /// <summary>β_i by bisection (doubling until bracketed) to |H − log(perplexity)| &lt; 10⁻⁹: the exact answer for float32's search.</summary>
    public static Affinities Joint(double[] points, int count, int dimensions, double perplexity)
    {
        var squared = SquaredDistances(points, count, dimensions);
        var conditionals = new double[count * count];
        var betas = new double[count];
        for (var i = 0; i < count; i++)
        {
            var (beta, low, high) = (1.0, 0.0, double.PositiveInfinity);
            for (var step = 0; step < 200; step++)
            {
                var excess = Conditional(squared, count, i, beta).Entropy - Math.Log(perplexity);
                if (Math.Abs(excess) < 1e-9)
                    break;
                if (excess > 0)
                    low = beta;
                else
                    high = beta;
                beta = double.IsPositiveInfinity(high) ? 2 * beta : (low + high) / 2;
            }
            betas[i] = beta;
            Conditional(squared, count, i, beta).Row.CopyTo(conditionals, i * count);
        }
        var p = new double[count * count];
        for (var i = 0; i < count; i++)
        for (var j = 0; j < count; j++)
            p[i * count + j] = i == j ? 0 : Math.Max((conditionals[i * count + j] + conditionals[j * count + i]) / (2.0 * count), TsneKernels.AffinityFloor);
        return new Affinities(conditionals, betas, p);
    }

    private static double Weight(double[] y, int count, int i, int j) =>
        1 / (1 + Math.Pow(y[i] - y[j], 2) + Math.Pow(y[count + i] - y[count + j], 2));

    public static double Normalizer(double[] y, int count) =>
        Enumerable.Range(0, count).Sum(i => Enumerable.Range(0, count).Where(j => j != i).Sum(j => Weight(y, count, i, j)));

    /// <summary>
    /// C(Y) = α Σ_{i≠j} P_ij log(1 + |y_i − y_j|²) + log Z = −α Σ P_ij log w_ij + log Z, the part of α·KL(P‖Q) that depends
    /// on Y when Σ P = 1 (q_ij = w_ij / Z), and whose gradient is the exaggerated one of the optimiser. Without the constant
    /// Σ P log P it stays small, so its finite differences keep their rounding far below the probes' tolerance.
    /// </summary>
    public static double Objective(double[] p, double[] y, int count, double exaggeration)
    {
        var sum = 0.0;
        for (var i = 0; i < count; i++)
        for (var j = 0; j < count; j++)
            if (i != j)
                sum -= p[i * count + j] * Math.Log(Weight(y, count, i, j));
        return exaggeration * sum + Math.Log(Normalizer(y, count));
    }

    /// <summary>KL(P‖Q) = Σ_{i≠j} P_ij log(P_ij / q_ij) = Σ P log P + C(Y) at α = 1.</summary>
    public static double KullbackLeibler(double[] p, double[] y, int count) =>
        p.Where(v => v > 0).Sum(v => v * Math.Log(v)) + Objective(p, y, count, exaggeration: 1);

    /// <summary>∂C/∂y_i = 4 Σ_j (α P_ij − q_ij) w_ij (y_i − y_j), as two planes.</summary>
    public static double[] Gradient(double[] p, double[] y, int count, double exaggeration)
    {
        var z = Normalizer(y, count);
        var gradient = new double[2 * count];
        for (var i = 0; i < count; i++)
        for (var j = 0; j < count; j++)
        {
            if (i == j)
                continue;
            var w = Weight(y, count, i, j);
            var factor = 4 * (exaggeration * p[i * count + j] - w / z) * w;
            gradient[i] += factor * (y[i] - y[j]);
            gradient[count + i] += factor * (y[count + i] - y[count + j]);
        }
        return gradient;
    }

    /// <summary>The map after <paramref name="iterations"/> iterations from <see cref="Tsne.InitialPositions"/>, as <see cref="TsneMap.Step"/> takes them.</summary>
    public static double[] Iterate(double[] p, int count, int seed, int iterations)
    {
        var y = Tsne.InitialPositions(count, seed).Select(v => (double)v).ToArray();
        var update = new double[2 * count];
        var gains = Enumerable.Repeat(1.0, 2 * count).ToArray();
        for (var iteration = 0; iteration < iterations; iteration++)
            Step(y, update, gains, p, count, iteration);
        return y;
    }

    /// <summary>One iteration in place: gains by delta-bar-delta, the update with momentum, then y += update.</summary>
    public static void Step(double[] y, double[] update, double[] gains, double[] p, int count, int iteration)
    {
        var step = TsneSchedule.For(iteration, count);
        var gradient = Gradient(p, y, count, step.Exaggeration);
        for (var c = 0; c < 2 * count; c++)
        {
            gains[c] = Math.Max(update[c] * gradient[c] < 0 ? gains[c] + TsneKernels.GainIncrease : gains[c] * TsneKernels.GainDecay, TsneKernels.MinGain);
            update[c] = step.Momentum * update[c] - step.LearningRate * gains[c] * gradient[c];
            y[c] += update[c];
        }
    }
}
