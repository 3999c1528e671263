using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Onnx;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Models;
using IlgpuSiamese.Training.Storage;

namespace IlgpuSiamese.Training.Onnx;

/// <summary>
/// A model as an ONNX graph (opset 13): inputs <c>first</c> and <c>second</c>, (N, C, H, W) floats scaled as the
/// engine scales them (pixel / 255, 0 = background); the one tower applied to each, both passes reading the same
/// initializers; outputs <c>embedding_first</c>, <c>embedding_second</c> (N, F), <c>distance</c> (N) =
/// sqrt(max(Σ(a-b)², 1e-7)) and <c>similarity</c> (N): sigmoid(w·d + b) for the BCE head, 1 / (1 + (d/τ)²) for
/// the distance heads. Dropout is the identity at inference and is left out. The decision threshold and τ go
/// into the metadata.
/// </summary>
public static class OnnxExport
{
    public const int Opset = 13;

    /// <summary>IR version 7 is the one that came with opset 13; every runtime that runs opset 13 reads it.</summary>
    public const long IrVersion = 7;

    public const string FirstInput = "first";
    public const string SecondInput = "second";
    public const string FirstEmbedding = "embedding_first";
    public const string SecondEmbedding = "embedding_second";
    public const string Distance = "distance";
    public const string Similarity = "similarity";

    /// <summary>Writes <paramref name="model"/> as ONNX to <paramref name="path"/>.</summary>
    public static void Save(SavedModel model, string sourcePath, string path)
    {
        var proto = Build(model.Header.Network, model.Weights, model.Header.Threshold, model.Header.DistanceScale, sourcePath);
        AtomicFile.Write(path, proto.ToByteArray());
    }

    /// <summary>
    /// The ONNX model of a network with these weights (laid out as <see cref="ParameterBlock"/> lays them: each
    /// layer's weight then bias, then the head's). <paramref name="source"/> names the weights in messages and metadata.
    /// </summary>
    public static ModelProto Build(NetworkConfig network, float[] weights, double threshold, double distanceScale, string source)
    {
        var graph = new GraphProto { Name = $"siamese_{network.Tower.Preset}_{network.Loss.ToString().ToLowerInvariant()}" };
        var builder = new Builder(graph);
        var (layers, head, count) = Layout(network);
        if (count != weights.Length)
            throw new UserInputException($"{source}: holds {weights.Length} parameters, its architecture needs {count}.");
        foreach (var p in layers.Concat(head))
            graph.Initializer.Add(Tensor(p.Name, p.Dims, weights.AsSpan(p.Offset, p.Length)));

        var input = network.Tower.Input;
        var embedding = 0;
        foreach (var (name, prefix) in new[] { (FirstInput, "first"), (SecondInput, "second") })
        {
            graph.Input.Add(FloatValue(name, "N", input.Channels, input.Height, input.Width));
            var output = name == FirstInput ? FirstEmbedding : SecondEmbedding;
            embedding = Tower(builder, network.Tower, name, prefix, output);
            graph.Output.Add(FloatValue(output, "N", embedding));
        }

        // The pair head: the distance, then the similarity.
        var diff = builder.Node("Sub", "head/sub", [FirstEmbedding, SecondEmbedding]);
        var squares = builder.Node("Mul", "head/square", [diff, diff]);
        graph.Initializer.Add(Int64Tensor("head/axes", [1]));
        var sum = builder.Node("ReduceSum", "head/sum", [squares, "head/axes"], Int("keepdims", 0));
        graph.Initializer.Add(Scalar("head/floor", EuclideanDistanceKernels.SquaredDistanceFloor));
        var floored = builder.Node("Max", "head/floor_max", [sum, "head/floor"]);
        builder.Node("Sqrt", "head/sqrt", [floored], output: Distance);
        graph.Output.Add(FloatValue(Distance, "N"));
        if (network.Loss == LossKind.Bce)
        {
            var logit = builder.Node("Add", "head/bias_add", [builder.Node("Mul", "head/weight_mul", [Distance, "head.weight"]), "head.bias"]);
            builder.Node("Sigmoid", "head/sigmoid", [logit], output: Similarity);
        }
        else
        {
            graph.Initializer.Add(Scalar("head/distance_scale", (float)distanceScale));
            graph.Initializer.Add(Scalar("head/one", 1f));
            var scaled = builder.Node("Div", "head/scale", [Distance, "head/distance_scale"]);
            var denominator = builder.Node("Add", "head/one_plus", [builder.Node("Mul", "head/scaled_square", [scaled, scaled]), "head/one"]);
            builder.Node("Reciprocal", "head/reciprocal", [denominator], output: Similarity);
        }
        graph.Output.Add(FloatValue(Similarity, "N"));

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "IlgpuSiamese",
            ProducerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "",
            Domain = "io.github.ilgpu-siamese",
            ModelVersion = 1,
            DocString = $"Siamese network exported from {Path.GetFileName(source)}: {network.Tower.Preset} tower, {network.Loss.ToString().ToLowerInvariant()} head. " +
                        "Inputs are pixel / 255 with 0 the background (light digit on black, as MNIST). A pair is 'same' when similarity >= threshold (metadata).",
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        var metadata = new Dictionary<string, string>
        {
            ["threshold"] = threshold.ToString("R", CultureInfo.InvariantCulture),
            ["distance_scale"] = distanceScale.ToString("R", CultureInfo.InvariantCulture),
            ["loss"] = network.Loss.ToString().ToLowerInvariant(),
            ["margin"] = network.Margin.ToString("R", CultureInfo.InvariantCulture),
            ["preset"] = network.Tower.Preset,
            ["embedding_size"] = embedding.ToString(CultureInfo.InvariantCulture),
            ["input_scaling"] = "pixel / 255, 0 = background",
            ["decision"] = "same when similarity >= threshold",
            ["tower"] = JsonSerializer.Serialize(network.Tower),
            ["source"] = Path.GetFileName(source),
        };
        foreach (var (key, value) in metadata)
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    /// <summary>One parameter tensor: where it lies in the weights and its ONNX shape (conv (O, C, K, K), dense (Out, In), bias (O)).</summary>
    public sealed record Slice(string Name, int Offset, long[] Dims)
    {
        public int Length => (int)Dims.Aggregate(1L, (a, b) => a * b);
    }

    /// <summary>Every parameter tensor of <paramref name="network"/>, in the order of the weights.</summary>
    public static IReadOnlyList<Slice> Parameters(NetworkConfig network)
    {
        var (layers, head, _) = Layout(network);
        return [.. layers, .. head];
    }

    /// <summary>The parameters in <see cref="ParameterBlock"/>'s order (tower.i.weight, tower.i.bias, ..., head.weight, head.bias) and their count.</summary>
    private static (List<Slice> Layers, List<Slice> Head, int Count) Layout(NetworkConfig network)
    {
        var layers = new List<Slice>();
        var offset = 0;
        void Add(List<Slice> to, string name, params long[] dims)
        {
            var slice = new Slice(name, offset, dims);
            to.Add(slice);
            offset += slice.Length;
        }
        var shape = network.Tower.Input;
        for (var i = 0; i < network.Tower.Layers.Count; i++)
        {
            switch (network.Tower.Layers[i])
            {
                case ConvSpec conv:
                    Add(layers, $"tower.{i}.weight", conv.Filters, shape.Channels, conv.Kernel, conv.Kernel);
                    Add(layers, $"tower.{i}.bias", conv.Filters);
                    shape = shape with { Channels = conv.Filters };
                    break;
                case MaxPoolSpec:
                    shape = new TensorShape(shape.Channels, shape.Height / 2, shape.Width / 2);
                    break;
                case GlobalAvgPoolSpec:
                    shape = new TensorShape(shape.Channels, 1, 1);
                    break;
                case DenseSpec dense:
                    Add(layers, $"tower.{i}.weight", dense.Units, shape.Length);
                    Add(layers, $"tower.{i}.bias", dense.Units);
                    shape = new TensorShape(dense.Units, 1, 1);
                    break;
                case DropoutSpec:
                    break;
                case var other:
                    throw new NotSupportedException($"layer {other} has no ONNX export");
            }
        }
        var head = new List<Slice>();
        if (network.Loss == LossKind.Bce)
        {
            Add(head, "head.weight", 1);
            Add(head, "head.bias", 1);
        }
        return (layers, head, offset);
    }

    /// <summary>The tower's nodes for one input, named under <paramref name="prefix"/>; returns the embedding size.</summary>
    private static int Tower(Builder builder, TowerSpec tower, string input, string prefix, string output)
    {
        var x = input;
        var shape = tower.Input;
        var flat = false; // (N, F) rather than (N, C, H, W)
        for (var i = 0; i < tower.Layers.Count; i++)
        {
            var at = $"{prefix}/tower.{i}";
            switch (tower.Layers[i])
            {
                case ConvSpec conv:
                    // Keras' "same" for stride 1: (k-1)/2 before, the rest after (even k: 0 before, 1 after).
                    var before = (conv.Kernel - 1) / 2;
                    var after = conv.Kernel - 1 - before;
                    x = builder.Node("Conv", $"{at}/conv", [x, $"tower.{i}.weight", $"tower.{i}.bias"],
                        Ints("kernel_shape", conv.Kernel, conv.Kernel), Ints("strides", 1, 1), Ints("pads", before, before, after, after));
                    x = builder.Node("Relu", $"{at}/relu", [x]);
                    shape = shape with { Channels = conv.Filters };
                    break;
                case MaxPoolSpec:
                    x = builder.Node("MaxPool", $"{at}/maxpool", [x], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));
                    shape = new TensorShape(shape.Channels, shape.Height / 2, shape.Width / 2);
                    break;
                case DropoutSpec:
                    break;
                case GlobalAvgPoolSpec:
                    x = builder.Node("GlobalAveragePool", $"{at}/gap", [x]);
                    shape = new TensorShape(shape.Channels, 1, 1);
                    break;
                case DenseSpec dense:
                    if (!flat)
                        x = builder.Node("Flatten", $"{at}/flatten", [x], Int("axis", 1));
                    flat = true;
                    x = builder.Node("Gemm", $"{at}/gemm", [x, $"tower.{i}.weight", $"tower.{i}.bias"], Int("transB", 1));
                    if (dense.Relu)
                        x = builder.Node("Relu", $"{at}/relu", [x]);
                    shape = new TensorShape(dense.Units, 1, 1);
                    break;
                case var other:
                    throw new NotSupportedException($"layer {other} has no ONNX export");
            }
        }
        builder.Node(flat ? "Identity" : "Flatten", $"{prefix}/embedding", [x], flat ? [] : [Int("axis", 1)], output: output);
        return shape.Length;
    }

    /// <summary>Adds nodes whose single output is named after the node.</summary>
    private sealed class Builder(GraphProto graph)
    {
        public string Node(string op, string name, string[] inputs, params AttributeProto[] attributes) => Node(op, name, inputs, attributes, null);

        public string Node(string op, string name, string[] inputs, AttributeProto[] attributes, string? output)
        {
            var node = new NodeProto { OpType = op, Name = name };
            node.Input.AddRange(inputs);
            node.Output.Add(output ?? name);
            node.Attribute.AddRange(attributes);
            graph.Node.Add(node);
            return output ?? name;
        }

        public string Node(string op, string name, string[] inputs, string output) => Node(op, name, inputs, [], output);
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static TensorProto Tensor(string name, long[] dims, ReadOnlySpan<float> values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        // raw_data is little-endian by the ONNX spec; so is every machine .NET runs this on.
        tensor.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        return tensor;
    }

    private static TensorProto Scalar(string name, float value) => Tensor(name, [], [value]);

    private static TensorProto Int64Tensor(string name, long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        return tensor;
    }

    /// <summary>A float tensor's name and shape: <paramref name="batch"/> is the symbolic first dimension.</summary>
    private static ValueInfoProto FloatValue(string name, string batch, params int[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = batch });
        foreach (var d in dims)
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
