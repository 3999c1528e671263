using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Measuring;

/// <summary>What one step allocates on the managed heap, measured across several steps.</summary>
/// <param name="ThisThreadBytesPerStep">GC.GetAllocatedBytesForCurrentThread: the thread that drives the step.</param>
/// <param name="AllThreadsBytesPerStep">GC.GetTotalAllocatedBytes(precise): every thread, the accelerator's own included.</param>
public sealed record HostAllocations(int Steps, double ThisThreadBytesPerStep, double AllThreadsBytesPerStep);

/// <summary>
/// This project's engine on one accelerator, set up as the trainer sets itself up: one network for the
/// larger of the training and evaluation batches, the training and test images uploaded once as bytes.
/// <see cref="Train"/> runs <see cref="TrainingStep.Pairs"/>, the trainer's own step, and reads the per-pair
/// losses back; <see cref="Infer"/> runs <see cref="PairEvaluator"/>, the evaluation's own loop. With
/// <c>augment</c> the training images are augmented as under <c>train --augment</c> (a new epoch's draws at each pass over the pairs).
/// With <c>mined</c> it trains as <c>train --loss triplet --mining batch-hard</c> does: balanced batches of 8 classes x 16
/// images, as many images through the tower as 64 pairs, so a step's rate counts as 64 pairs and its ratio to the plain
/// engine's is what mining costs a step.
/// </summary>
public sealed class IlgpuPairEngine : IPairEngine
{
    private readonly SiameseNetwork network;
    private readonly DeviceImages trainImages, testImages;
    private readonly PairSet trainPairs;
    private readonly PairSet[] inferenceBatches;
    private readonly int[][] indices;
    private readonly float[] labels, losses;
    private readonly bool ownsDevice;
    private readonly long bytesAfterSetup;
    private readonly bool augments;
    private readonly int[]? balanced;
    private readonly LabelledImages trainSet;
    private int trainCursor, inferenceCursor, step, epoch;

    public ComputeDevice Device { get; }
    public string Id => $"ilgpu {Device.Info.Id}{(augments ? AugmentSuffix : "")}{(balanced is null ? "" : MinedSuffix)}";

    /// <summary>Ends the <see cref="Id"/> of an engine that trains on augmented images.</summary>
    public const string AugmentSuffix = " +augment";

    /// <summary>Ends the <see cref="Id"/> of an engine that trains with batch-hard triplet mining.</summary>
    public const string MinedSuffix = " +batch-hard";

    /// <summary>The mined engine's balanced batches: 8 classes x 16 images, the trainer's defaults.</summary>
    private const int MinedClasses = 8, MinedImagesPerClass = 16;
    public string Description => $"{Device.Name} ({Device.Info.Parallelism} {Device.Info.ParallelismUnit})";
    public string Tower { get; }
    public int TrainBatch { get; }
    public int InferenceBatch { get; }
    public int ParameterCount => network.Parameters.Length;

    /// <summary>Device bytes of the network (parameters, Adam moments, both branches' activations and gradients, head).</summary>
    public long NetworkBytes { get; }

    /// <summary>Device bytes of the uploaded training and test images.</summary>
    public long ImageBytes { get; }

    /// <summary>
    /// Device bytes allocated since this engine was set up and still held: the kernels' scratch buffers
    /// (im2col matrices and the like), which grow on first use to the largest shape run. Meaningful when
    /// the engine has its device to itself and has trained and inferred at least once.
    /// </summary>
    public long WorkspaceBytes => Math.Max(0, Device.BytesInUse - bytesAfterSetup);

    /// <summary>The mean per-pair loss of the latest step read back, a check that the steps did real work.</summary>
    public double LastMeanLoss { get; private set; } = double.NaN;

    public IlgpuPairEngine(ComputeDevice device, string tower, BenchmarkData data, int trainBatch = 64, int inferenceBatch = 256,
        int seed = 42, bool ownsDevice = false, bool augment = false, bool mined = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trainBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inferenceBatch, 1);
        if (data.TrainPairs.Count < trainBatch)
            throw new ArgumentException($"{data.TrainPairs.Count} training pairs are fewer than one batch of {trainBatch}", nameof(data));
        Device = device;
        Tower = tower;
        TrainBatch = trainBatch;
        InferenceBatch = inferenceBatch;
        this.ownsDevice = ownsDevice;
        augments = augment;
        var maxBatch = Math.Max(trainBatch, inferenceBatch);
        var before = device.BytesInUse;
        network = new SiameseNetwork(device, mined ? BenchmarkTowers.Mined(tower, MinedClasses, MinedImagesPerClass) : BenchmarkTowers.Network(tower),
            Math.Max(maxBatch, mined ? MinedClasses * MinedImagesPerClass : 0), seed);
        NetworkBytes = device.BytesInUse - before;
        before = device.BytesInUse;
        trainImages = new DeviceImages(device, data.Train, network.Activations.MaxImages,
            augment ? new ImageAugmentation(seed, AugmentRanges.Default) : null);
        testImages = new DeviceImages(device, data.Test, network.Activations.MaxImages);
        ImageBytes = device.BytesInUse - before;
        bytesAfterSetup = device.BytesInUse;
        trainPairs = data.TrainPairs;
        trainSet = data.Train;
        if (mined)
        {
            if (MinedClasses * MinedImagesPerClass != 2 * trainBatch)
                throw new ArgumentException($"a mined step holds {MinedClasses * MinedImagesPerClass} images, as many as {MinedClasses * MinedImagesPerClass / 2} pairs, not {trainBatch}", nameof(trainBatch));
            balanced = BalancedBatches.Build(data.Train, MinedClasses, MinedImagesPerClass, Math.Max(1, trainPairs.Count / trainBatch), seed, epoch: 0);
        }
        inferenceBatches = InferenceBatches(data.TestPairs, inferenceBatch);
        var examples = mined ? MinedClasses * MinedImagesPerClass : trainBatch;
        indices = Enumerable.Range(0, network.Head.ImagesPerExample).Select(_ => new int[examples]).ToArray();
        labels = new float[examples];
        losses = new float[examples];
    }

    /// <summary>The test pairs cut into whole batches (repeated when there are fewer than one batch).</summary>
    private static PairSet[] InferenceBatches(PairSet pairs, int batch)
    {
        var count = Math.Max(1, pairs.Count / batch);
        return Enumerable.Range(0, count).Select(b =>
        {
            var take = Enumerable.Range(b * batch, batch).Select(i => i % pairs.Count).ToArray();
            return new PairSet(take.Select(i => pairs.First[i]).ToArray(), take.Select(i => pairs.Second[i]).ToArray(),
                take.Select(i => pairs.Label[i]).ToArray());
        }).ToArray();
    }

    public void Train(int steps)
    {
        for (var s = 0; s < steps; s++)
        {
            if (balanced is not null)
            {
                TrainMined();
                continue;
            }
            if (trainCursor + TrainBatch > trainPairs.Count)
            {
                trainCursor = 0;
                epoch++;
            }
            Trainer.FillBatch(trainPairs, null, trainCursor, TrainBatch, indices, labels);
            trainCursor += TrainBatch;
            step++;
            TrainingStep.Run(network, trainImages, indices, labels, TrainBatch, step, epoch, BenchmarkTowers.LearningRate);
            network.Head.ReadStep(TrainBatch).Losses.CopyTo(losses);
        }
        if (steps > 0)
            LastMeanLoss = MeanLoss();
    }

    /// <summary>One step on the next balanced batch, with the trainer's own calls; the images of a step are its examples.</summary>
    private void TrainMined()
    {
        var images = labels.Length;
        if (trainCursor + images > balanced!.Length)
            trainCursor = 0;
        Trainer.FillMinedBatch(balanced, trainSet, trainCursor, images, indices, labels);
        trainCursor += images;
        step++;
        TrainingStep.Run(network, trainImages, indices, labels, images, step, epoch, BenchmarkTowers.LearningRate);
        network.Head.ReadStep(images).Losses.CopyTo(losses);
    }

    private double MeanLoss()
    {
        double sum = 0;
        foreach (var loss in losses)
            sum += loss;
        return sum / losses.Length;
    }

    public void Infer(int batches)
    {
        for (var b = 0; b < batches; b++)
        {
            PairEvaluator.Run(network, testImages, inferenceBatches[inferenceCursor]);
            inferenceCursor = (inferenceCursor + 1) % inferenceBatches.Length;
        }
    }

    /// <summary>
    /// Managed bytes allocated per training step, over <paramref name="steps"/> steps after one more to
    /// warm up. The trainer's promise is that this is (close to) nothing.
    /// </summary>
    public HostAllocations MeasureHostAllocations(int steps = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        Train(1);
        var thread = GC.GetAllocatedBytesForCurrentThread();
        var all = GC.GetTotalAllocatedBytes(precise: true);
        Train(steps);
        var threadBytes = GC.GetAllocatedBytesForCurrentThread() - thread;
        var allBytes = GC.GetTotalAllocatedBytes(precise: true) - all;
        return new HostAllocations(steps, (double)threadBytes / steps, (double)allBytes / steps);
    }

    public void Dispose()
    {
        network.Dispose();
        trainImages.Dispose();
        testImages.Dispose();
        if (ownsDevice)
            Device.Dispose();
    }
}
