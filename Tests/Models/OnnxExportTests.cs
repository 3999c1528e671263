using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Network;
using IlgpuSiamese.Tests.Support;
using IlgpuSiamese.Training.Data;
using IlgpuSiamese.Training.Models;
using IlgpuSiamese.Training.Onnx;

namespace IlgpuSiamese.Tests.Models;

/// <summary>
/// <c>siamese export --onnx</c>: the exported graph, run by ONNX Runtime (CPU), gives the engine's embeddings
/// (within 1e-4) and its same/different decisions at the model's threshold, on 1,000 pairs of MNIST test images
/// (synthetic digits when MNIST is not cached), for the bundled flat/contrastive model and a keras/BCE one.
/// The engine runs on PoCL where it is present, else on ILGPU's CPU accelerator.
/// </summary>
public class OnnxExportTests
{
    private const int Pairs = 1000;
    private const float EmbeddingTolerance = 1e-4f;

    [Test]
    public void TheBundledFlatContrastiveModelRunsTheSameInOnnxRuntime()
    {
        using var temp = new TempFolder();
        var model = BundledModel();
        if (!MnistCached())
        {
            // The synthetic digits that stand in for MNIST are nearly all "same" to the bundled model: a copy with the
            // median similarity as its threshold makes the compared decisions of both kinds.
            model = WithMedianThreshold(model, temp["bundled.siamese"]);
        }
        var onnx = temp["mnist.onnx"];
        var result = CliRunner.Run("export", "--onnx", onnx, "--model", model);
        Assert.That(result.Code, Is.EqualTo(0), result.Error);

        SameAsEngine(model, onnx);
    }

    [Test]
    public void AKerasBceModelRunsTheSameInOnnxRuntime()
    {
        using var temp = new TempFolder();
        var untrained = TestModels.Untrained(temp["keras.siamese"], new NetworkConfig(TowerSpec.Keras(), LossKind.Bce, 1f));
        // Untrained, its head calls every pair "different" at 0.5; a threshold between the two middle similarities splits
        // the pairs in half, so that the decisions compared are of both kinds.
        var path = WithMedianThreshold(untrained, untrained);
        var onnx = temp["keras.onnx"];
        Assert.That(CliRunner.Run("export", "--onnx", onnx, "--model", path).Code, Is.EqualTo(0));

        SameAsEngine(path, onnx);
    }

    [Test]
    public void TheGraphSharesOneSetOfWeightsBetweenTheTwinsAndCarriesTheThreshold()
    {
        var saved = ModelFile.Load(BundledModel());
        var proto = OnnxExport.Build(saved.Header.Network, saved.Weights, saved.Header.Threshold, saved.Header.DistanceScale, "mnist.siamese");

        Assert.That(proto.OpsetImport.Single(o => o.Domain == "").Version, Is.GreaterThanOrEqualTo(13));
        var towerWeights = proto.Graph.Initializer.Where(t => t.Name.StartsWith("tower.", StringComparison.Ordinal)).ToList();
        Assert.That(towerWeights.Select(t => t.Name), Is.Unique);
        Assert.That(towerWeights.Sum(t => t.RawData.Length / 4), Is.EqualTo(saved.Weights.Length), "every weight once");
        foreach (var weight in towerWeights)
            Assert.That(proto.Graph.Node.Count(n => n.Input.Contains(weight.Name)), Is.EqualTo(2), $"{weight.Name} feeds both twins");
        Assert.That(proto.Graph.Node.Select(n => n.OpType), Has.None.EqualTo("Dropout"));
        var metadata = proto.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
        Assert.That(double.Parse(metadata["threshold"], CultureInfo.InvariantCulture), Is.EqualTo(saved.Header.Threshold));
        Assert.That(double.Parse(metadata["distance_scale"], CultureInfo.InvariantCulture), Is.EqualTo(saved.Header.DistanceScale));
    }

    [TestCase(LossKind.Bce)]
    [TestCase(LossKind.Contrastive)]
    [TestCase(LossKind.Triplet)]
    public void TheHeadComputesTheDistanceAndTheLossKindsSimilarity(LossKind loss)
    {
        var network = new NetworkConfig(TowerSpec.Keras(), loss, 1f);
        var count = OnnxExport.Parameters(network).Sum(p => p.Length);
        var random = new Random(7);
        var weights = Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        const double scale = 0.8;
        var proto = OnnxExport.Build(network, weights, threshold: 0.5, distanceScale: scale, "head.siamese");
        var first = Enumerable.Range(0, Pairs * 784).Select(_ => (float)random.NextDouble()).ToArray();
        // The first pair is one image twice: its distance is the floor's, sqrt(1e-7).
        var second = first.Select((v, i) => i < 784 ? v : (float)random.NextDouble()).ToArray();

        using var session = new InferenceSession(Google.Protobuf.MessageExtensions.ToByteArray(proto));
        var outputs = Run(session, first, second);

        var (a, b, d, s) = (outputs[OnnxExport.FirstEmbedding], outputs[OnnxExport.SecondEmbedding], outputs[OnnxExport.Distance], outputs[OnnxExport.Similarity]);
        Assert.That(d[0], Is.EqualTo(MathF.Sqrt(1e-7f)).Within(1e-9f));
        var (w, bias) = (weights[^2], weights[^1]);
        for (var p = 0; p < Pairs; p++)
        {
            var squared = Enumerable.Range(0, 48).Sum(k => Math.Pow(a[p * 48 + k] - b[p * 48 + k], 2));
            var distance = Math.Sqrt(Math.Max(squared, 1e-7));
            var similarity = loss == LossKind.Bce ? 1 / (1 + Math.Exp(-(w * d[p] + bias))) : 1 / (1 + Math.Pow(d[p] / scale, 2));
            Assert.That(d[p], Is.EqualTo(distance).Within(1e-4).Percent, $"distance of pair {p}");
            Assert.That(s[p], Is.EqualTo(similarity).Within(1e-6), $"similarity of pair {p}");
        }
        Assert.That(proto.Graph.Initializer.Any(t => t.Name.StartsWith("head.", StringComparison.Ordinal)), Is.EqualTo(loss == LossKind.Bce));
    }

    [Test]
    public void KerasEvenKernelsArePaddedOnlyAfter()
    {
        var network = new NetworkConfig(TowerSpec.Keras(), LossKind.Bce, 1f);
        var weights = new float[19_890];
        var proto = OnnxExport.Build(network, weights, 0.5, 1, "keras");

        var pads = proto.Graph.Node.Where(n => n.OpType == "Conv").Select(n => n.Attribute.Single(a => a.Name == "pads").Ints.ToArray()).ToList();
        Assert.That(pads, Has.Count.EqualTo(4), "two convolutions per twin");
        Assert.That(pads, Has.All.EqualTo(new long[] { 0, 0, 1, 1 }));
    }

    [Test]
    public void WeightsOfAnotherArchitectureAreRefusedNamingTheFile()
    {
        var network = new NetworkConfig(TowerSpec.Keras(), LossKind.Bce, 1f);

        Assert.That(() => OnnxExport.Build(network, new float[100], 0.5, 1, "odd.siamese"),
            Throws.TypeOf<UserInputException>().With.Message.StartsWith("odd.siamese:").And.Message.Contains("19890"));
    }

    [Test]
    public void AMissingModelIsBadInputNamingIt()
    {
        using var temp = new TempFolder();

        var missing = CliRunner.Run("export", "--onnx", temp["a.onnx"], "--model", temp["none.siamese"]);
        var noOption = CliRunner.Run("export", "--model", BundledModel());

        Assert.That((missing.Code, noOption.Code), Is.EqualTo((1, 2)));
        Assert.That(missing.Error, Does.Contain("none.siamese"));
        Assert.That(File.Exists(temp["a.onnx"]), Is.False);
    }

    /// <summary>A copy of <paramref name="source"/> at <paramref name="copy"/> whose threshold is the median similarity of the test pairs.</summary>
    private static string WithMedianThreshold(string source, string copy)
    {
        var (images, pairs) = TestPairs();
        double median;
        using (var model = new LoadedModel(source, EngineDevice()))
        {
            var sorted = model.Similarities(images, pairs).Order().ToArray();
            median = (sorted[Pairs / 2 - 1] + (double)sorted[Pairs / 2]) / 2;
        }
        var saved = ModelFile.Load(source);
        ModelFile.Save(copy, saved with { Header = saved.Header with { Threshold = median } });
        return copy;
    }

    private static bool MnistCached() => File.Exists(Path.Combine(DataLocation.Resolve(null).Directory, "mnist", "t10k-images-idx3-ubyte"));

    /// <summary>ONNX Runtime's outputs against the engine's embeddings and similarities on the same pairs.</summary>
    private static void SameAsEngine(string modelPath, string onnxPath)
    {
        var (images, pairs) = TestPairs();
        using var model = new LoadedModel(modelPath, EngineDevice());
        var embeddings = model.Embeddings(images);
        var similarities = model.Similarities(images, pairs);
        var size = model.Network.EmbeddingSize;
        var threshold = model.Header.Threshold;

        using var session = new InferenceSession(onnxPath);
        Assert.That(double.Parse(session.ModelMetadata.CustomMetadataMap["threshold"], CultureInfo.InvariantCulture), Is.EqualTo(threshold));
        var outputs = Run(session, Pixels(images, pairs.First), Pixels(images, pairs.Second));

        var worst = 0f;
        var worstAt = "";
        foreach (var (name, indices) in new[] { (OnnxExport.FirstEmbedding, pairs.First), (OnnxExport.SecondEmbedding, pairs.Second) })
        {
            var onnx = outputs[name];
            Assert.That(onnx, Has.Length.EqualTo(Pairs * size));
            for (var p = 0; p < Pairs; p++)
            for (var k = 0; k < size; k++)
            {
                var difference = Math.Abs(onnx[p * size + k] - embeddings[indices[p] * size + k]);
                if (!(difference <= worst))
                    (worst, worstAt) = (difference, $"{name}[{p}, {k}]");
            }
        }
        var onnxSimilarity = outputs[OnnxExport.Similarity];
        var agree = 0;
        var near = 0;
        var worstSimilarity = 0f;
        for (var p = 0; p < Pairs; p++)
        {
            worstSimilarity = Math.Max(worstSimilarity, Math.Abs(onnxSimilarity[p] - similarities[p]));
            if ((onnxSimilarity[p] >= threshold) == (similarities[p] >= threshold))
                agree++;
            else if (Math.Abs(similarities[p] - threshold) < 1e-5)
                near++;
        }
        var same = similarities.Count(s => s >= threshold);
        TestContext.Out.WriteLine($"{Path.GetFileName(modelPath)}: {Pairs} pairs ({same} called same), embedding size {size}: " +
                                  $"largest embedding difference {worst:E2} at {worstAt}, largest similarity difference {worstSimilarity:E2}, " +
                                  $"{agree} decisions agree, {near} differ within 1e-5 of the threshold");
        Assert.That(worst, Is.LessThanOrEqualTo(EmbeddingTolerance), $"largest |onnx - engine| embedding difference, at {worstAt}");
        Assert.That(worstSimilarity, Is.LessThanOrEqualTo(1e-4f), "largest similarity difference");
        Assert.That(agree + near, Is.EqualTo(Pairs), "same/different decisions at the model's threshold");
        Assert.That(same, Is.InRange(Pairs / 10, Pairs - Pairs / 10), "both decisions occur among the pairs");
    }

    /// <summary>Runs both inputs through the graph; every output, flattened, by name.</summary>
    private static Dictionary<string, float[]> Run(InferenceSession session, float[] first, float[] second)
    {
        long[] shape = [Pairs, 1, 28, 28];
        using var a = OrtValue.CreateTensorValueFromMemory(first, shape);
        using var b = OrtValue.CreateTensorValueFromMemory(second, shape);
        string[] names = [OnnxExport.FirstEmbedding, OnnxExport.SecondEmbedding, OnnxExport.Distance, OnnxExport.Similarity];
        using var run = new RunOptions();
        using var results = session.Run(run, [OnnxExport.FirstInput, OnnxExport.SecondInput], [a, b], names);
        return names.Select((name, i) => (name, values: results[i].GetTensorDataAsSpan<float>().ToArray())).ToDictionary(x => x.name, x => x.values);
    }

    /// <summary>The images of <paramref name="indices"/> as the engine feeds them: pixel · (1/255), (N, 1, 28, 28).</summary>
    private static float[] Pixels(LabelledImages images, int[] indices)
    {
        var pixels = new float[indices.Length * 784];
        for (var n = 0; n < indices.Length; n++)
        {
            var image = images.Image(indices[n]);
            for (var p = 0; p < 784; p++)
                pixels[n * 784 + p] = image[p] * (1f / 255f);
        }
        return pixels;
    }

    /// <summary>
    /// 1,000 pairs over the first 2,000 MNIST test images (pair p: image p and an image from [1000, 2000)), half of a
    /// class with its partner; synthetic digits where MNIST is not in the cache.
    /// </summary>
    private static (LabelledImages Images, PairSet Pairs) TestPairs()
    {
        var images = MnistCached()
            ? Datasets.Load("mnist", DataLocation.Resolve(null)).Test
            : SyntheticDigits.Create(classes: 10, trainPerClass: 1, testPerClass: 200).Test;
        var random = new Random(12);
        var first = Enumerable.Range(0, Pairs).ToArray();
        var second = new int[Pairs];
        var labels = new float[Pairs];
        for (var p = 0; p < Pairs; p++)
        {
            var wantSame = p % 2 == 0;
            int candidate;
            do
                candidate = Pairs + random.Next(Pairs);
            while ((images.Labels[candidate] == images.Labels[p]) != wantSame);
            second[p] = candidate;
            labels[p] = wantSame ? 1 : 0;
        }
        return (images, new PairSet(first, second, labels));
    }

    /// <summary>PoCL where it is present (fast), else ILGPU's CPU accelerator.</summary>
    private static IlgpuSiamese.Kernels.Devices.ComputeDevice EngineDevice() => Backends.Open(Backends.Usable("opencl:0") ? "opencl:0" : "cpu:0");

    private static string BundledModel()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, ModelOption.BundledModel)))
                return Path.Combine(folder.FullName, ModelOption.BundledModel);
        Assert.Fail($"{ModelOption.BundledModel} is missing: the bundled model must be committed");
        return "";
    }
}
