using Microsoft.ML.OnnxRuntime;
using IlgpuSiamese.Measuring;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Data;
using IlgpuSiamese.Training.Onnx;

namespace IlgpuSiamese.Benchmarks.EndToEnd;

/// <summary>
/// ONNX Runtime (CPU) running the benchmark tower as <c>siamese export</c> writes it: the second peer, for inference
/// only (ONNX Runtime does not train this graph; its training column reads "n/a"). The network, with seeded
/// Glorot-uniform weights and zero biases as the engine draws them, is exported to a temporary ONNX file and
/// loaded with <c>threads</c> intra-op threads (sequential execution, full graph optimisation). A batch: both
/// images of each of 256 consecutive test pairs copied from the whole set (already scaled to [0, 1], as the
/// TorchSharp peer holds them) into fixed input buffers, one run, distances and similarities read into fixed buffers.
/// </summary>
public sealed class OnnxPairEngine : IPairEngine
{
    private readonly InferenceSession session;
    private readonly RunOptions run = new();
    private readonly OrtValue[] inputs, outputs;
    private readonly float[] first, second, distances, similarities, testImages;
    private readonly PairSet testPairs;
    private readonly int pixels;
    private int inferenceCursor;

    private static readonly string[] InputNames = [OnnxExport.FirstInput, OnnxExport.SecondInput];
    private static readonly string[] OutputNames = [OnnxExport.Distance, OnnxExport.Similarity];

    public string Id => IdOf(Threads);

    /// <summary>"onnxruntime cpu 2t": the peer at one intra-op thread count, as tables and ratios name it.</summary>
    public static string IdOf(int threads) => $"onnxruntime cpu {threads}t";
    public string Description => $"ONNX Runtime {Version} (CPU, {Threads} intra-op threads)";
    public string Tower { get; }
    public int TrainBatch { get; }
    public int InferenceBatch { get; }
    public int Threads { get; }
    public bool Trains => false;

    public static string Version =>
        typeof(InferenceSession).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0]
        ?? typeof(InferenceSession).Assembly.GetName().Version?.ToString() ?? "?";

    public OnnxPairEngine(string towerName, BenchmarkData data, int threads, int trainBatch = 64, int inferenceBatch = 256, int seed = 42)
    {
        Tower = towerName;
        TrainBatch = trainBatch;
        InferenceBatch = inferenceBatch;
        Threads = threads;
        var network = BenchmarkTowers.Network(towerName);
        var input = network.Tower.Input;
        pixels = input.Length;
        var file = Path.Combine(Path.GetTempPath(), $"ilgpu-siamese-e2e-{towerName}-{Environment.ProcessId}.onnx");
        try
        {
            // A distance head's scale is margin / 2 before calibration, as the engine starts; the BCE head's threshold 0.5.
            var model = OnnxExport.Build(network, GlorotWeights(network, seed), threshold: 0.5, distanceScale: network.Margin / 2.0, file);
            File.WriteAllBytes(file, Google.Protobuf.MessageExtensions.ToByteArray(model));
            using var options = new SessionOptions
            {
                IntraOpNumThreads = threads,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            session = new InferenceSession(file, options);
        }
        finally
        {
            File.Delete(file);
        }
        testImages = Scaled(data.Test);
        testPairs = data.TestPairs;
        (first, second) = (new float[inferenceBatch * pixels], new float[inferenceBatch * pixels]);
        (distances, similarities) = (new float[inferenceBatch], new float[inferenceBatch]);
        long[] shape = [inferenceBatch, input.Channels, input.Height, input.Width];
        inputs = [OrtValue.CreateTensorValueFromMemory(first, shape), OrtValue.CreateTensorValueFromMemory(second, shape)];
        outputs = [OrtValue.CreateTensorValueFromMemory(distances, [inferenceBatch]), OrtValue.CreateTensorValueFromMemory(similarities, [inferenceBatch])];
    }

    public void Train(int steps) => throw new NotSupportedException("ONNX Runtime runs the exported graph for inference only.");

    public void Infer(int batches)
    {
        var count = Math.Max(1, testPairs.Count / InferenceBatch);
        for (var n = 0; n < batches; n++)
        {
            var start = inferenceCursor * InferenceBatch;
            for (var i = 0; i < InferenceBatch; i++)
            {
                var k = (start + i) % testPairs.Count;
                testImages.AsSpan(testPairs.First[k] * pixels, pixels).CopyTo(first.AsSpan(i * pixels, pixels));
                testImages.AsSpan(testPairs.Second[k] * pixels, pixels).CopyTo(second.AsSpan(i * pixels, pixels));
            }
            inferenceCursor = (inferenceCursor + 1) % count;
            session.Run(run, InputNames, inputs, OutputNames, outputs);
        }
    }

    /// <summary>The distances and similarities of the last batch.</summary>
    public (float[] Distances, float[] Similarities) LastOutputs => (distances, similarities);

    /// <summary>Pixel · (1/255), as the engine's gather scales them.</summary>
    private static float[] Scaled(LabelledImages images)
    {
        var scaled = new float[images.Pixels.Length];
        for (var i = 0; i < scaled.Length; i++)
            scaled[i] = images.Pixels[i] * (1f / 255f);
        return scaled;
    }

    /// <summary>Glorot-uniform weights from each tensor's fans (conv: C·K·K in, O·K·K out), zero biases, a non-positive head weight.</summary>
    private static float[] GlorotWeights(NetworkConfig network, int seed)
    {
        var random = new Random(seed);
        var parameters = OnnxExport.Parameters(network);
        var weights = new float[parameters.Sum(p => p.Length)];
        foreach (var p in parameters.Where(p => p.Dims.Length > 1 || p.Name == "head.weight"))
        {
            var taps = p.Dims.Skip(2).Aggregate(1L, (a, b) => a * b);
            var (fanIn, fanOut) = p.Dims.Length > 1 ? (p.Dims[1] * taps, p.Dims[0] * taps) : (1, 1);
            var limit = Math.Sqrt(6.0 / (fanIn + fanOut));
            for (var i = 0; i < p.Length; i++)
            {
                var draw = (random.NextDouble() * 2 - 1) * limit;
                weights[p.Offset + i] = (float)(p.Name == "head.weight" ? -Math.Abs(draw) : draw);
            }
        }
        return weights;
    }

    public void Dispose()
    {
        foreach (var value in inputs.Concat(outputs))
            value.Dispose();
        run.Dispose();
        session.Dispose();
    }
}
