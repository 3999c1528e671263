using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Oracle;
using IlgpuSiamese.Network;
using IlgpuSiamese.Network.Layers;

namespace IlgpuSiamese.Tests.Network;

/// <summary>
/// The whole pair, triplet or mined loss in float64, composed from the per-operation references, over a
/// flat parameter vector laid out as <see cref="ParameterBlock"/> lays it out: each layer's weight
/// then bias, in order, then the BCE head's weight and bias.
/// </summary>
public static class ReferenceNetwork
{
    /// <summary>
    /// The mean loss of <paramref name="batch"/> examples whose images are laid out as the device lays them
    /// out: one tower pass over blocks·batch images, block b (rows [b·batch, (b+1)·batch)) the b-th image of each example.
    /// </summary>
    public static double MeanLoss(NetworkConfig config, double[] theta, double[] images, double[] labels, int batch, int seed, int step, bool training)
    {
        var mined = config.Mining.With(config.Loss);
        var blocks = mined is not null ? 1 : config.Loss == LossKind.Triplet ? 3 : 2;
        var all = Tower(config.Tower, theta, images, blocks * batch, seed, step, training, out var offset);
        var features = all.Length / (blocks * batch);
        if (mined is { } kind)
            return MinedLossReference.Forward(all, labels, new MinedLossShape(batch, features, config.Margin, kind)).Loss.Average();
        var embeddings = Enumerable.Range(0, blocks).Select(b => all.AsSpan(b * batch * features, batch * features).ToArray()).ToArray();
        if (config.Loss == LossKind.Triplet)
            return TripletLossReference.Forward(embeddings[0], embeddings[1], embeddings[2], new TripletShape(batch, features, config.Margin)).Average();
        var distance = EuclideanDistanceReference.Forward(embeddings[0], embeddings[1], new EuclideanDistanceShape(batch, features));
        return config.Loss == LossKind.Bce
            ? SigmoidBceReference.Forward(distance, labels, theta[offset], theta[offset + 1], new SigmoidBceShape(batch)).Loss.Average()
            : ContrastiveLossReference.Forward(distance, labels, new ContrastiveShape(batch, config.Margin)).Average();
    }

    private static double[] Tower(TowerSpec spec, double[] theta, double[] x, int batch, int seed, int step, bool training, out int offset)
    {
        offset = 0;
        var shape = spec.Input;
        for (var layer = 0; layer < spec.Layers.Count; layer++)
        {
            switch (spec.Layers[layer])
            {
                case ConvSpec conv:
                    var cs = new Conv2dShape(batch, shape.Channels, shape.Height, shape.Width, conv.Filters, conv.Kernel, relu: true);
                    x = Conv2dReference.Forward(x, Take(theta, ref offset, cs.WeightLength), Take(theta, ref offset, conv.Filters), cs);
                    shape = shape with { Channels = conv.Filters };
                    break;
                case MaxPoolSpec:
                    x = MaxPool2dReference.Forward(x, new MaxPool2dShape(batch, shape.Channels, shape.Height, shape.Width)).Output;
                    shape = shape with { Height = shape.Height / 2, Width = shape.Width / 2 };
                    break;
                case DropoutSpec dropout:
                    x = DropoutReference.Forward(x, new DropoutShape(x.Length, training ? dropout.Rate : 0f, DropoutLayer.MaskSeed(seed, layer), step));
                    break;
                case GlobalAvgPoolSpec:
                    x = GlobalAvgPoolReference.Forward(x, new GlobalAvgPoolShape(batch, shape.Channels, shape.Height, shape.Width));
                    shape = new TensorShape(shape.Channels, 1, 1);
                    break;
                case DenseSpec dense:
                    var ds = new DenseShape(batch, shape.Length, dense.Units, dense.Relu);
                    x = DenseReference.Forward(x, Take(theta, ref offset, ds.WeightLength), Take(theta, ref offset, dense.Units), ds);
                    shape = new TensorShape(dense.Units, 1, 1);
                    break;
            }
        }
        return x;
    }

    private static double[] Take(double[] theta, ref int offset, int length)
    {
        var slice = theta.AsSpan(offset, length).ToArray();
        offset += length;
        return slice;
    }
}
