using System.Diagnostics;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Network;
using IlgpuSiamese.Network.Heads;
using IlgpuSiamese.Training.Data;
using IlgpuSiamese.Training.Metrics;
using IlgpuSiamese.Training.Models;
using IlgpuSiamese.Training.Storage;

namespace IlgpuSiamese.Training;

/// <summary>
/// Trains a siamese network: per step, zero the gradients, forward both branches and the loss,
/// backward, one Adam update. Evaluates on test pairs (threshold from validation pairs), writes a
/// checkpoint every epoch and on interruption, and stops on a non-finite loss.
/// </summary>
public sealed class Trainer : IDisposable
{
    public const string ModelFileName = "model.siamese";
    public const int EvaluationBatch = 256;

    private readonly ComputeDevice device;
    private readonly TrainingConfig config;
    private readonly ITrainingObserver observer;
    private readonly SiameseNetwork network;
    private readonly DeviceImages fitImages, validationImages, testImages;
    private readonly PairSet validationPairs, testPairs;
    private readonly string datasetName, fingerprint;
    private readonly ImagePreparation preparation;
    private readonly List<EpochRecord> history = [];
    private readonly int batchesPerEpoch;
    private TrainingProgress progress = new(0, 0, 0, 0, 0, 0);
    private Decision decision;
    private double trainingSeconds;
    private string? lastCheckpoint;

    public string ModelPath { get; }
    public IReadOnlyList<EpochRecord> History => history;
    public SiameseNetwork Network => network;

    public Trainer(ComputeDevice device, TrainingConfig config, DatasetSplit data, string outDir, ITrainingObserver observer, SavedModel? resume = null)
    {
        config.Validate();
        this.device = device;
        this.config = config;
        this.observer = observer;
        ModelPath = Path.Combine(outDir, ModelFileName);
        datasetName = data.Train.Name;
        fingerprint = DatasetFingerprint.Of(data);
        preparation = data.Preparation;
        var networkConfig = config.Network();
        if (data.Train.Height != networkConfig.Tower.Input.Height || data.Train.Width != networkConfig.Tower.Input.Width)
            throw new UserInputException($"{data.Train.Name}: images are {data.Train.Height}x{data.Train.Width}, the tower takes {networkConfig.Tower.Input.Height}x{networkConfig.Tower.Input.Width}.");
        var (fit, validation) = ValidationSplit.Of(data.Train);
        var maxBatch = Math.Max(config.ExamplesPerStep, EvaluationBatch);
        network = new SiameseNetwork(device, networkConfig, maxBatch, config.Seed);
        var maxImages = network.Activations.MaxImages;
        fitImages = new DeviceImages(device, fit, maxImages, ImageAugmentation.For(config));
        validationImages = new DeviceImages(device, validation, maxImages);
        testImages = new DeviceImages(device, data.Test, maxImages);
        validationPairs = PairBuilder.Build(validation, config.Seed + 1);
        testPairs = TestPairs(data.Test, config.Seed, config.TestPairs);
        batchesPerEpoch = (PairsPerEpoch(config, fit.Count) + config.ExamplesPerStep - 1) / config.ExamplesPerStep;
        decision = network.Head.InitialDecision;
        if (resume is not null)
            Restore(resume, networkConfig);
    }

    /// <summary>The pairs (or triplets, or mined images) an epoch trains on, from <paramref name="fitImages"/> training images.</summary>
    public static int PairsPerEpoch(TrainingConfig config, int fitImages)
    {
        // Mined: whole balanced batches, about one pass over the images.
        if (config.Mining != Mining.None)
            return Math.Max(1, Math.Min(fitImages, config.TrainPairs ?? int.MaxValue) / config.ExamplesPerStep) * config.ExamplesPerStep;
        // PairBuilder gives each image pairsPerImage positives and as many negatives; triplets, one each.
        var natural = TrainsOnTriplets(config) ? fitImages : fitImages * config.PairsPerImage * 2;
        return Math.Min(natural, config.TrainPairs ?? int.MaxValue);
    }

    /// <summary>The test pairs of a run with this seed: the same ones for train and evaluate.</summary>
    public static PairSet TestPairs(LabelledImages test, int seed, int? cap)
    {
        var pairs = PairBuilder.Build(test, seed + 2);
        return cap is { } n && n < pairs.Count ? new PairSet(pairs.First[..n], pairs.Second[..n], pairs.Label[..n]) : pairs;
    }

    private void Restore(SavedModel saved, NetworkConfig networkConfig)
    {
        var header = saved.Header;
        if (!SameArchitecture(header.Network, networkConfig))
            throw new UserInputException($"{ModelPath}: the checkpoint's network ({header.Network.Tower.Preset}, {header.Network.Loss}) differs from this run's; resume with the same options.");
        if (!saved.HasOptimizerState || header.ParameterCount != network.Parameters.Length)
            throw new UserInputException($"{ModelPath}: not a checkpoint this run can resume (no optimiser state or a different parameter count).");
        network.Parameters.Upload(saved.Weights);
        network.Parameters.FirstMoments.CopyFromCPU(saved.FirstMoments!);
        network.Parameters.SecondMoments.CopyFromCPU(saved.SecondMoments!);
        progress = header.Progress;
        history.AddRange(header.History);
        decision = new Decision(header.Threshold, header.DistanceScale);
        trainingSeconds = history.Count > 0 ? history[^1].Seconds : 0;
        lastCheckpoint = Describe(progress);
        observer.Info(progress.EpochsDone >= config.Epochs
            ? $"{ModelPath} has already finished its {progress.EpochsDone} epochs: nothing to resume (--epochs N extends it)."
            : $"Resuming from {ModelPath}: epoch {progress.EpochsDone + 1}, batch {progress.BatchesDoneInEpoch + 1}, step {progress.Step + 1}.");
    }

    private static bool SameArchitecture(NetworkConfig a, NetworkConfig b) =>
        a.Loss == b.Loss && a.Margin == b.Margin && a.Tower.Input == b.Tower.Input && a.Tower.Layers.SequenceEqual(b.Tower.Layers);

    public TrainingOutcome Run(CancellationToken cancel)
    {
        var totalSteps = batchesPerEpoch * config.Epochs;
        var batch = config.ExamplesPerStep;
        int[][] indices = Enumerable.Range(0, network.Head.ImagesPerExample).Select(_ => new int[batch]).ToArray();
        var labels = new float[batch];
        var evaluateEvery = Math.Max(1, batchesPerEpoch / config.EvaluationsPerEpoch);
        for (var epoch = progress.EpochsDone; epoch < config.Epochs; epoch++)
        {
            var (pairs, triplets, balanced) = EpochData(epoch);
            var clock = Stopwatch.StartNew();
            var pairsSinceClock = 0;
            for (var b = progress.BatchesDoneInEpoch; b < batchesPerEpoch; b++)
            {
                var start = b * batch;
                var n = Math.Min(batch, PairsPerEpoch(config, fitImages.Images.Count) - start);
                var step = progress.Step + 1;
                if (balanced is not null)
                    FillMinedBatch(balanced, fitImages.Images, start, n, indices, labels);
                else
                    FillBatch(pairs, triplets, start, n, indices, labels);
                if (network.Head is MinedHead warming)
                    warming.WarmingUp = step <= config.MiningWarmup;
                TrainingStep.Run(network, fitImages, indices, labels, n, step, epoch, config.LearningRateAt(step, totalSteps));
                var (lossSum, correct) = StepMetrics(n, labels, epoch, step);
                var (mined, active) = network.Head is MinedHead minedHead ? minedHead.ReadActive(n) : (0, 0);
                progress = progress with
                {
                    BatchesDoneInEpoch = b + 1, Step = step, EpochLossSum = progress.EpochLossSum + lossSum,
                    EpochCorrect = progress.EpochCorrect + correct, EpochPairs = progress.EpochPairs + n,
                    EpochMined = progress.EpochMined + mined, EpochActive = progress.EpochActive + active,
                };
                pairsSinceClock += n;
                observer.StepDone(epoch, b + 1, batchesPerEpoch, pairsSinceClock / Math.Max(1e-9, clock.Elapsed.TotalSeconds));
                var last = b + 1 == batchesPerEpoch;
                if (last || (b + 1) % evaluateEvery == 0 && (b + 1) / evaluateEvery < config.EvaluationsPerEpoch)
                {
                    trainingSeconds += clock.Elapsed.TotalSeconds;
                    Evaluate(epoch + (double)(b + 1) / batchesPerEpoch, pairsSinceClock / Math.Max(1e-9, clock.Elapsed.TotalSeconds));
                    clock.Restart();
                    pairsSinceClock = 0;
                }
                if (cancel.IsCancellationRequested && !last)
                {
                    trainingSeconds += clock.Elapsed.TotalSeconds;
                    SaveCheckpoint();
                    observer.Info($"Interrupted: saved the checkpoint at epoch {epoch + 1}, batch {b + 1}, to {ModelPath}; --resume continues from there.");
                    return TrainingOutcome.Interrupted;
                }
            }
            progress = new TrainingProgress(epoch + 1, 0, progress.Step, 0, 0, 0);
            SaveCheckpoint();
            if (cancel.IsCancellationRequested && epoch + 1 < config.Epochs)
            {
                observer.Info($"Interrupted after epoch {epoch + 1}: saved {ModelPath}; --resume continues from there.");
                return TrainingOutcome.Interrupted;
            }
        }
        return TrainingOutcome.Completed;
    }

    private (PairSet? Pairs, TripletSet? Triplets, int[]? Balanced) EpochData(int epoch)
    {
        var drawEpoch = config.RedrawPairs ? epoch : 0;
        if (config.Mining != Mining.None)
            return (null, null, BalancedBatches.Build(fitImages.Images, config.ClassesPerBatch, config.ImagesPerClass, batchesPerEpoch, config.Seed, drawEpoch));
        return TrainsOnTriplets(config)
            ? (null, TripletBuilder.Build(fitImages.Images, config.Seed, drawEpoch), null)
            : (PairBuilder.Build(fitImages.Images, config.Seed, config.PairsPerImage, drawEpoch), null, null);
    }

    /// <summary>Copies images [start, start+n) of the balanced batches into the index array, and their classes into the labels.</summary>
    public static void FillMinedBatch(int[] balanced, LabelledImages images, int start, int n, int[][] indices, float[] labels)
    {
        balanced.AsSpan(start, n).CopyTo(indices[0]);
        for (var i = 0; i < n; i++)
            labels[i] = images.Labels[balanced[start + i]];
    }

    /// <summary>Copies batch [start, start+n) of the pairs (or triplets) into the index arrays (and labels); the benchmark engine fills its batches the same way.</summary>
    public static void FillBatch(PairSet? pairs, TripletSet? triplets, int start, int n, int[][] indices, float[] labels)
    {
        if (pairs is not null)
        {
            pairs.First.AsSpan(start, n).CopyTo(indices[0]);
            pairs.Second.AsSpan(start, n).CopyTo(indices[1]);
            pairs.Label.AsSpan(start, n).CopyTo(labels);
        }
        else
        {
            triplets!.Anchor.AsSpan(start, n).CopyTo(indices[0]);
            triplets.Positive.AsSpan(start, n).CopyTo(indices[1]);
            triplets.Negative.AsSpan(start, n).CopyTo(indices[2]);
        }
    }

    /// <summary>The trainer samples triplets when the loss's examples are three images (anchor, positive, negative).</summary>
    private static bool TrainsOnTriplets(TrainingConfig config) => config.Loss.ImagesPerExample() == 3;

    /// <summary>The step's loss sum and how many examples the head decided right (<see cref="Head.CountCorrect"/>).</summary>
    private (double LossSum, long Correct) StepMetrics(int n, float[] labels, int epoch, int step)
    {
        var results = network.Head.ReadStep(n);
        double sum = 0;
        foreach (var loss in results.Losses)
        {
            if (!float.IsFinite(loss))
                throw new TrainingDivergedException(
                    $"the loss became {loss} at epoch {epoch + 1}, step {step}; training stopped. " +
                    (File.Exists(ModelPath) ? $"The last good checkpoint is kept at {ModelPath}. " : "") +
                    "Try a lower --lr.");
            sum += loss;
        }
        return (sum, network.Head.CountCorrect(results, labels, decision));
    }

    private void Evaluate(double epoch, double pairsPerSecond)
    {
        var validation = PairEvaluator.Run(network, validationImages, validationPairs);
        decision = network.Head.Calibrate(validation, (scores, labels) => PairMetrics.BestThreshold(scores, labels), decision);
        var test = PairEvaluator.Run(network, testImages, testPairs);
        var scores = network.Head.Similarities(test, decision);
        var record = new EpochRecord(
            Math.Round(epoch, 4), progress.Step,
            progress.EpochLossSum / Math.Max(1, progress.EpochPairs),
            (double)progress.EpochCorrect / Math.Max(1, progress.EpochPairs),
            test.MeanLoss,
            PairMetrics.Accuracy(scores, test.Labels, decision.Threshold),
            PairMetrics.Auc(scores, test.Labels),
            decision.Threshold, Math.Round(trainingSeconds, 3), Math.Round(pairsPerSecond, 1),
            progress.EpochMined > 0 ? Math.Round(progress.EpochActive / progress.EpochMined, 4) : null);
        history.Add(record);
        observer.Evaluated(record);
        if (record.ValAuc < 0.55 && test.Distances.Average(d => (double)d) < CollapsedDistance)
            observer.Info("Warning: the embeddings have collapsed (test pairs at the distance floor, AUC about 0.5): " +
                          "the well-known 'stuck at 50%' of siamese training, where no gradient flows below the floor. " +
                          "Try another --seed, a lower --lr, or --loss contrastive.");
    }

    /// <summary>A mean test distance below this (10× sqrt of the floor) means the towers map everything to one point.</summary>
    private const double CollapsedDistance = 3.2e-3;

    private void SaveCheckpoint()
    {
        device.Synchronize();
        var p = network.Parameters;
        var header = new ModelHeader(network.Config, p.Length, decision.Threshold, decision.DistanceScale, config, datasetName, fingerprint,
            progress, history.ToList(), DateTime.UtcNow, preparation);
        try
        {
            ModelFile.Save(ModelPath, new SavedModel(header, p.Download(p.Values), p.Download(p.FirstMoments), p.Download(p.SecondMoments)));
        }
        catch (StorageException e)
        {
            throw e.WithAdvice(lastCheckpoint is null
                ? $"no checkpoint of this run is saved ({Describe(progress)} is lost)"
                : $"the checkpoint of {lastCheckpoint} is kept ({Describe(progress)} is lost); --resume continues from it");
        }
        lastCheckpoint = Describe(progress);
        observer.CheckpointSaved();
    }

    /// <summary>Where training stands at <paramref name="at"/>, in words: "epoch 2" at an epoch's end, else "epoch 3, batch 40".</summary>
    private static string Describe(TrainingProgress at) =>
        at.BatchesDoneInEpoch == 0 ? $"epoch {at.EpochsDone}" : $"epoch {at.EpochsDone + 1}, batch {at.BatchesDoneInEpoch}";

    public void Dispose()
    {
        network.Dispose();
        fitImages.Dispose();
        validationImages.Dispose();
        testImages.Dispose();
    }
}
