using IlgpuSiamese.Kernels.Ops;

namespace IlgpuSiamese.Oracle.Checks;

/// <summary>One op's float64 reference backward against central finite differences of its forward.</summary>
public sealed record GradientCheckCase(string Op, Func<Random, IEnumerable<GradientProbe>> Run);

/// <summary>
/// Every reference backward against central finite differences in float64: a random output gradient dOut
/// makes the loss Σ dOut·f(x) (the losses use their mean), probed over inputs, weights and biases alike.
/// Shared by the NUnit reference tests and <c>siamese selftest</c>.
/// </summary>
public static class GradientChecks
{
    public static IReadOnlyList<GradientCheckCase> All { get; } =
    [
        new("Conv2d", random => Conv2d(random, new Conv2dShape(batch: 2, inChannels: 3, height: 5, width: 4, outChannels: 4, kernel: 3, relu: true))),
        new("Conv2d 2x2 (keras)", random => Conv2d(random, new Conv2dShape(batch: 2, inChannels: 3, height: 5, width: 4, outChannels: 4, kernel: 2, relu: true))),
        new("MaxPool2d", random => MaxPool2d(random, new MaxPool2dShape(batch: 2, channels: 3, height: 7, width: 5))),
        new("Dropout", random => Dropout(random, new DropoutShape(length: 200, rate: 0.3f, seed: (uint)random.Next(), step: random.Next(1000)))),
        new("GlobalAvgPool", random => GlobalAvgPool(random, new GlobalAvgPoolShape(batch: 2, channels: 3, height: 4, width: 7))),
        new("Dense", random => Dense(random, new DenseShape(batch: 5, inputs: 7, outputs: 6, relu: true))),
        new("EuclideanDistance", random => EuclideanDistance(random, new EuclideanDistanceShape(batch: 5, features: 7))),
        new("SigmoidBce", random => SigmoidBce(random, new SigmoidBceShape(batch: 6))),
        new("ContrastiveLoss", random => ContrastiveLoss(random, new ContrastiveShape(batch: 8, margin: 1.25f))),
        new("TripletLoss", random => TripletLoss(random, new TripletShape(batch: 6, features: 5, margin: 0.5f))),
    ];

    public static IEnumerable<GradientProbe> Conv2d(Random random, Conv2dShape s) =>
        WeightedOp(random, (s.InputLength, s.WeightLength, s.OutChannels, s.OutputLength),
            (x, w, b) => Conv2dReference.Forward(x, w, b, s), (dy, y, x, w) => Conv2dReference.Backward(dy, y, x, w, s));

    public static IEnumerable<GradientProbe> Dense(Random random, DenseShape s) =>
        WeightedOp(random, (s.InputLength, s.WeightLength, s.Outputs, s.OutputLength),
            (x, w, b) => DenseReference.Forward(x, w, b, s), (dy, y, x, w) => DenseReference.Backward(dy, y, x, w, s));

    /// <summary>An op with a weight and a bias (conv, dense): dInput, dWeight and dBias of L = Σ dy·f(x, w, b).</summary>
    private static IEnumerable<GradientProbe> WeightedOp(Random random, (int Input, int Weight, int Bias, int Output) length,
        Func<double[], double[], double[], double[]> forward,
        Func<double[], double[], double[], double[], (double[] DInput, double[] DWeight, double[] DBias)> backward)
    {
        var x = random.Uniform(length.Input);
        var w = random.Uniform(length.Weight);
        var b = random.Uniform(length.Bias);
        var dy = random.Uniform(length.Output);
        var (dx, dw, db) = backward(dy, forward(x, w, b), x, w);
        double Loss() => FiniteDifferences.Dot(dy, forward(x, w, b));
        return
        [
            FiniteDifferences.Probe("dInput", x, dx, Loss, random),
            FiniteDifferences.Probe("dWeight", w, dw, Loss, random),
            FiniteDifferences.Probe("dBias", b, db, Loss, random),
        ];
    }

    public static IEnumerable<GradientProbe> MaxPool2d(Random random, MaxPool2dShape s)
    {
        var x = random.Uniform(s.InputLength);
        var dy = random.Uniform(s.OutputLength);
        var (_, argmax) = MaxPool2dReference.Forward(x, s);
        var dx = MaxPool2dReference.Backward(dy, argmax, s);
        double Loss() => FiniteDifferences.Dot(dy, MaxPool2dReference.Forward(x, s).Output);
        return [FiniteDifferences.Probe("dInput", x, dx, Loss, random, probes: 48)];
    }

    public static IEnumerable<GradientProbe> Dropout(Random random, DropoutShape s)
    {
        var x = random.Uniform(s.Length);
        var dy = random.Uniform(s.Length);
        var dx = DropoutReference.Backward(dy, s);
        double Loss() => FiniteDifferences.Dot(dy, DropoutReference.Forward(x, s));
        return [FiniteDifferences.Probe("dInput", x, dx, Loss, random, probes: 48)];
    }

    public static IEnumerable<GradientProbe> GlobalAvgPool(Random random, GlobalAvgPoolShape s)
    {
        var x = random.Uniform(s.InputLength);
        var dy = random.Uniform(s.OutputLength);
        var dx = GlobalAvgPoolReference.Backward(dy, s);
        double Loss() => FiniteDifferences.Dot(dy, GlobalAvgPoolReference.Forward(x, s));
        return [FiniteDifferences.Probe("dInput", x, dx, Loss, random)];
    }

    public static IEnumerable<GradientProbe> EuclideanDistance(Random random, EuclideanDistanceShape s)
    {
        var a = random.Uniform(s.InputLength);
        var b = random.Uniform(s.InputLength);
        var dd = random.Uniform(s.Batch);
        var (da, db) = EuclideanDistanceReference.Backward(dd, a, b, s);
        double Loss() => FiniteDifferences.Dot(dd, EuclideanDistanceReference.Forward(a, b, s));
        return [FiniteDifferences.Probe("dA", a, da, Loss, random), FiniteDifferences.Probe("dB", b, db, Loss, random)];
    }

    public static IEnumerable<GradientProbe> SigmoidBce(Random random, SigmoidBceShape s)
    {
        var d = random.Uniform(s.Batch, 0, 3);
        var y = random.Labels(s.Batch);
        var w = random.Uniform(1, -2, 2);
        var b = random.Uniform(1);
        var (p, _) = SigmoidBceReference.Forward(d, y, w[0], b[0], s);
        var (dd, dw, db) = SigmoidBceReference.Backward(p, d, y, w[0], s);
        double Loss() => SigmoidBceReference.Forward(d, y, w[0], b[0], s).Loss.Average();
        return
        [
            FiniteDifferences.Probe("dDistance", d, dd, Loss, random),
            FiniteDifferences.Probe("dHeadWeight", w, [dw], Loss, random),
            FiniteDifferences.Probe("dHeadBias", b, [db], Loss, random),
        ];
    }

    public static IEnumerable<GradientProbe> ContrastiveLoss(Random random, ContrastiveShape s)
    {
        var (d, y) = KernelChecks.ContrastiveInputs(random, s.Batch, s.Margin);
        var dd = ContrastiveLossReference.Backward(d, y, s);
        double Loss() => ContrastiveLossReference.Forward(d, y, s).Average();
        return [FiniteDifferences.Probe("dDistance", d, dd, Loss, random)];
    }

    public static IEnumerable<GradientProbe> TripletLoss(Random random, TripletShape s)
    {
        var a = random.Uniform(s.InputLength);
        var p = random.Uniform(s.InputLength);
        var q = random.Uniform(s.InputLength);
        var (da, dp, dq) = TripletLossReference.Backward(a, p, q, s);
        double Loss() => TripletLossReference.Forward(a, p, q, s).Average();
        return
        [
            FiniteDifferences.Probe("dAnchor", a, da, Loss, random),
            FiniteDifferences.Probe("dPositive", p, dp, Loss, random),
            FiniteDifferences.Probe("dNegative", q, dq, Loss, random),
        ];
    }
}
