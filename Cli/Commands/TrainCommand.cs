using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using IlgpuSiamese.Cli.Display;
using IlgpuSiamese.Cli.Figures;
using IlgpuSiamese.Kernels;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Data;
using IlgpuSiamese.Training.Models;
using IlgpuSiamese.Training.Storage;
using Spectre.Console;

namespace IlgpuSiamese.Cli.Commands;

/// <summary>
/// <c>siamese train</c>: options override a JSON <c>--config</c> file, which overrides the defaults.
/// Writes DIR/model.siamese (a checkpoint every epoch), DIR/history.csv, DIR/history.png, DIR/config.json.
/// </summary>
public static class TrainCommand
{
    public static readonly JsonSerializerOptions ConfigJson = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static Command Create()
    {
        var dataset = new Option<string?>("--dataset") { Description = "mnist, fashion-mnist, a folder of IDX files, or an image folder (one subfolder per class)." };
        var dataDir = CommonOptions.DataDir();
        var prepare = CommonOptions.Prepare();
        prepare.Description = "How an image folder's images become inputs: mnist (ink cropped, fitted to 20x20, centred by mass in 28x28), " +
                              "fit (the whole image fitted keeping its aspect, padded) or stretch. Default stretch. The model records it for compare, embed " +
                              "and evaluate. Refused for mnist, fashion-mnist and IDX folders, whose images are prepared already.";
        var preset = new Option<string?>("--preset") { Description = $"Tower: {string.Join(", ", TowerSpec.PresetNames)} (the original Keras network). Default flat." };
        var loss = new Option<LossKind?>("--loss") { Description = "bce (distance → dense → sigmoid), contrastive, or triplet. Default contrastive." };
        var epochs = new Option<int?>("--epochs") { Description = "Passes over the training pairs. Default 5. With --resume, extends the saved run." };
        var batch = new Option<int?>("--batch-size") { Description = "Pairs per step. Default 64." };
        var lr = new Option<double?>("--lr") { Description = "Adam learning rate. Default 1e-3; 2e-3 with --mining." };
        var schedule = new Option<string?>("--schedule") { Description = "constant or cosine (decays to 5% of --lr). Default cosine." };
        var margin = new Option<float?>("--margin") { Description = "Margin of the contrastive and triplet losses. Default 1." };
        var embedding = new Option<int?>("--embedding") { Description = "Embedding size. Default 48." };
        var filters = new Option<int?>("--filters") { Description = "Filters of the first conv (keras: every conv). Default 32 (flat), 64 (keras)." };
        var dropout = new Option<float?>("--dropout") { Description = "Dropout rate. Default 0 (flat), 0.3 (keras)." };
        var trainPairs = new Option<int?>("--train-pairs") { Description = "Cap on training pairs per epoch, for quick runs." };
        var testPairs = new Option<int?>("--test-pairs") { Description = "Cap on test pairs. Default all (20,000 on MNIST)." };
        var pairsPerImage = new Option<int?>("--pairs-per-image") { Description = "Positive+negative pairs drawn per image. Default 1." };
        var redraw = new Option<bool?>("--redraw-pairs") { Description = "Draw new pairs every epoch (default true; --redraw-pairs false repeats the first draw)." };
        var augment = new Option<bool?>("--augment")
        {
            Description = "Augment the training images on the device: rotation (±15°), scale (0.9-1.1), shift (±2 px), thicker or thinner " +
                          "strokes, blur and noise, drawn anew per image and epoch from --seed. Default false; recorded in the model and config.json.",
        };
        var mining = new Option<string?>("--mining")
        {
            Description = "none (random pairs or triplets), or mine balanced batches on the device: batch-hard (each image's farthest positive " +
                          "and nearest negative; triplet or contrastive), semi-hard (triplet), batch-all (triplet) or batch-hard-soft (triplet, Hermans et al.'s soft margin " +
                          "softplus(d_ap - d_an), no --margin). Default none.",
        }.AcceptOnlyFromAmong(Enum.GetValues<Mining>().Select(m => m.Name()).ToArray());
        var classesPerBatch = new Option<int?>("--classes-per-batch") { Description = "With --mining: classes in a batch (P). Default 10." };
        var imagesPerClass = new Option<int?>("--images-per-class") { Description = "With --mining: images of each class in a batch (K). Default 8: 80 images a step." };
        var miningWarmup = new Option<int?>("--mining-warmup")
        {
            Description = "With --mining batch-hard or batch-hard-soft and --loss triplet: train the first this many steps on batch-all, which " +
                          "spreads the classes before the hardest triplets are mined (from random weights batch-hard collapses the embeddings). Default 100; 0: none.",
        };
        var evals = new Option<int?>("--evals-per-epoch") { Description = "Evaluations on the test pairs per epoch. Default 1." };
        var seed = new Option<int?>("--seed") { Description = "Seed of weights, pairs, dropout and augmentation. Default 42." };
        var device = CommonOptions.Device();
        var output = new Option<string?>("--out") { Description = $"Output folder. Default: the next free one of {DefaultOut}, {DefaultOut}2, ... (with --resume, {DefaultOut})." };
        var resume = new Option<bool>("--resume") { Description = "Continue from DIR/model.siamese exactly where it stopped, with its saved options." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the run already in --out (its model, history and config) instead of refusing it." };
        var allowOtherData = new Option<bool>(ResumedData.OverrideOption) { Description = "With --resume: continue even when the data differs from the checkpoint's (its dataset fingerprint)." };
        var config = new Option<FileInfo?>("--config") { Description = "JSON file of training options (as saved in DIR/config.json)." };
        var strict = CommonOptions.Strict();
        var command = new Command("train", "Train the siamese network; saves the model, its history (CSV and PNG) and its config.")
        {
            dataset, dataDir, prepare, preset, loss, epochs, batch, lr, schedule, margin, embedding, filters, dropout, trainPairs, testPairs,
            pairsPerImage, redraw, augment, mining, classesPerBatch, imagesPerClass, miningWarmup, evals, seed, device, output, resume, overwrite, allowOtherData, config, strict,
        };
        command.SetAction(parse =>
        {
            var configFile = parse.GetValue(config);
            var baseConfig = configFile is null ? new TrainingConfig() : ReadConfig(configFile.FullName);
            var chosenMining = parse.GetValue(mining) is { } m ? Enum.GetValues<Mining>().Single(k => k.Name() == m) : baseConfig.Mining;
            var chosen = baseConfig with
            {
                Dataset = parse.GetValue(dataset) ?? baseConfig.Dataset,
                Prepare = parse.GetValue(prepare) ?? baseConfig.Prepare,
                Preset = parse.GetValue(preset) ?? baseConfig.Preset,
                Loss = parse.GetValue(loss) ?? baseConfig.Loss,
                Epochs = parse.GetValue(epochs) ?? baseConfig.Epochs,
                BatchSize = parse.GetValue(batch) ?? baseConfig.BatchSize,
                LearningRate = parse.GetValue(lr)
                               ?? (configFile is null && chosenMining != Mining.None ? TrainingConfig.MinedLearningRate : baseConfig.LearningRate),
                Schedule = parse.GetValue(schedule) ?? baseConfig.Schedule,
                Margin = parse.GetValue(margin) ?? baseConfig.Margin,
                Embedding = parse.GetValue(embedding) ?? baseConfig.Embedding,
                Filters = parse.GetValue(filters) ?? baseConfig.Filters,
                Dropout = parse.GetValue(dropout) ?? baseConfig.Dropout,
                TrainPairs = parse.GetValue(trainPairs) ?? baseConfig.TrainPairs,
                TestPairs = parse.GetValue(testPairs) ?? baseConfig.TestPairs,
                PairsPerImage = parse.GetValue(pairsPerImage) ?? baseConfig.PairsPerImage,
                RedrawPairs = parse.GetValue(redraw) ?? baseConfig.RedrawPairs,
                Augment = parse.GetValue(augment) ?? baseConfig.Augment,
                Mining = chosenMining,
                ClassesPerBatch = parse.GetValue(classesPerBatch) ?? baseConfig.ClassesPerBatch,
                ImagesPerClass = parse.GetValue(imagesPerClass) ?? baseConfig.ImagesPerClass,
                MiningWarmup = parse.GetValue(miningWarmup) ?? baseConfig.MiningWarmup,
                EvaluationsPerEpoch = parse.GetValue(evals) ?? baseConfig.EvaluationsPerEpoch,
                Seed = parse.GetValue(seed) ?? baseConfig.Seed,
                Device = parse.GetResult(device) is null ? baseConfig.Device : parse.GetValue(device)!,
            };
            var run = new RunOptions(parse.GetValue(output), parse.GetValue(dataDir), parse.GetValue(resume), parse.GetValue(overwrite),
                parse.GetValue(allowOtherData), parse.GetValue(strict), parse.GetValue(epochs));
            return Train(chosen, run);
        });
        return command;
    }

    public static TrainingConfig ReadConfig(string path)
    {
        if (Directory.Exists(path))
            throw new StorageException(path, "read the config file", "it is a folder, not a file");
        var text = StorageException.Guard(path, "read the config file", () => File.ReadAllText(path));
        try
        {
            return JsonSerializer.Deserialize<TrainingConfig>(text, ConfigJson)
                   ?? throw new UserInputException($"{path}: the config file is empty.");
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path}: not a valid training config: {e.Message}");
        }
    }

    /// <summary>Where runs go when --out is not given.</summary>
    public const string DefaultOut = "runs/train";

    /// <summary>What a run does besides the saved config: where it writes, whether it resumes or replaces, what it tolerates.</summary>
    private sealed record RunOptions(string? OutDir, string? DataDir, bool Resume, bool Overwrite, bool AllowOtherData, bool Strict, int? Epochs);

    /// <summary>
    /// The run's folder, checked before any work: without --out the next free one; a folder holding an earlier run
    /// only with --resume or --overwrite.
    /// </summary>
    private static string OutputFolder(RunOptions run)
    {
        if (run.Resume && run.Overwrite)
            throw new UsageException("--resume continues the run in --out and --overwrite replaces it: give one of them");
        var outDir = run.OutDir ?? (run.Resume ? DefaultOut : RunFolder.NextFree(DefaultOut));
        if (run.OutDir is null && !run.Resume && outDir != DefaultOut)
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(DefaultOut)} holds an earlier run: writing to {Markup.Escape(outDir)} (--out chooses the folder).[/]");
        if (!run.Resume && !run.Overwrite && RunFolder.IsUsed(outDir))
        {
            var files = RunFolder.FilesOfARun(outDir);
            throw new UserInputException($"{outDir}: holds {(files.Count > 0 ? $"an earlier run ({string.Join(", ", files)})" : "other files")}; " +
                                         "--resume continues it, --overwrite replaces it, or choose another --out");
        }
        return OutputPaths.Folder(outDir, "--out");
    }

    /// <summary>A resumed run keeps its saved config (checked when it began); only --epochs may extend it.</summary>
    private static int Train(TrainingConfig config, RunOptions run)
    {
        config.Validate();
        if (!run.Resume)
            RequireImageFolderToPrepare(config);
        var outDir = OutputFolder(run);
        using var signals = new StopSignals("the last complete checkpoint is kept; --resume continues from it");
        using var folderLock = RunLock.Take(outDir, note => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(note)}[/]"));
        foreach (var abandoned in AtomicFile.RemoveAbandoned(outDir))
            AnsiConsole.MarkupLine($"[grey]removed {Markup.Escape(abandoned)}, a temporary file of a run that was killed while writing[/]");
        var modelPath = Path.Combine(outDir, Trainer.ModelFileName);
        var saved = run.Resume ? ModelFile.Load(modelPath) : null;
        if (saved is not null)
        {
            config = saved.Header.Training with { Epochs = run.Epochs ?? saved.Header.Training.Epochs };
            config.Validate();
        }
        var data = Datasets.Load(config.Dataset, DataLocation.Resolve(run.DataDir), new Progress<string>(m => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(m)}[/]")), run.Strict,
            imageFolderPreparation: config.Prepare);
        if (saved is not null && !run.AllowOtherData)
            ResumedData.RequireSame(saved, modelPath, data);
        using var device = ComputeDevice.Open(config.Device);
        AnsiConsole.MarkupLine($"Training [bold]{config.Preset}[/] with [bold]{config.Loss.ToString().ToLowerInvariant()}[/] loss on {Markup.Escape(data.Train.Name)}, device {Markup.Escape(device.ToString())}.");
        if (CpuAcceleratorWarning.For(config, device.Kind, data.Train, data.Test, saved?.Header.Progress.EpochsDone ?? 0) is { } warning)
            AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(warning)}[/]");
        if (signals.Token.IsCancellationRequested)
        {
            AnsiConsole.MarkupLine("Stopped before training began: nothing was written.");
            return signals.ExitCode;
        }
        if (run.Overwrite)
            RunFolder.Clear(outDir);
        AtomicFile.WriteText(Path.Combine(outDir, "config.json"), JsonSerializer.Serialize(config, ConfigJson));
        TrainingOutcome outcome = default;
        Trainer? trainer = null;
        try
        {
            AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    // The history files follow every checkpoint, never run ahead of it: a crash loses no more than the model does.
                    var console = new TrainingConsole(context, config.Epochs, () => WriteHistory(outDir, trainer!.History, config, device));
                    trainer = new Trainer(device, config, data, outDir, console, saved);
                    outcome = trainer.Run(signals.Token);
                });
        }
        finally
        {
            trainer?.Dispose();
        }
        if (File.Exists(Path.Combine(outDir, "history.csv")))
            AnsiConsole.MarkupLine($"History: {Markup.Escape(Path.Combine(outDir, "history.csv"))}, {Markup.Escape(Path.Combine(outDir, "history.png"))}");
        AnsiConsole.MarkupLine($"Model: {Markup.Escape(modelPath)}");
        return outcome == TrainingOutcome.Interrupted ? signals.ExitCode : ExitCodes.Ok;
    }

    /// <summary>--prepare chooses how an image folder's images become inputs; the images of other datasets were prepared when they were made.</summary>
    private static void RequireImageFolderToPrepare(TrainingConfig config)
    {
        if (config.Prepare is not null && Datasets.PreparedAs(config.Dataset) is { } madeAs)
            throw new UsageException($"--prepare applies to image folders only: the images of {config.Dataset} are prepared already " +
                                     $"({madeAs.ToString().ToLowerInvariant()}), and a model trained on them prepares other images that way");
    }

    private static void WriteHistory(string outDir, IReadOnlyList<EpochRecord> history, TrainingConfig config, ComputeDevice device)
    {
        if (history.Count == 0)
            return;
        HistoryCsv.Write(Path.Combine(outDir, "history.csv"), history);
        var originalRecipe = config.Preset == TowerSpec.KerasPreset && config.Loss == LossKind.Bce;
        HistoryPlot.Save(Path.Combine(outDir, "history.png"), history,
            $"{config.Preset} tower, {config.Loss.ToString().ToLowerInvariant()} loss, {device.Name}",
            originalRecipe ? HistoryPlot.OriginalKerasAccuracy : null);
    }
}
