using System.CommandLine;
using System.Text.Json;
using IlgpuSiamese.Cli.Figures;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Data;
using IlgpuSiamese.Training.Metrics;
using IlgpuSiamese.Training.Models;
using IlgpuSiamese.Training.Storage;
using Spectre.Console;

namespace IlgpuSiamese.Cli.Commands;

/// <summary>
/// <c>siamese evaluate</c>: a model on the test pairs: loss, accuracy at its threshold, ROC AUC, EER,
/// the accuracy-maximising threshold (chosen on validation pairs), a confusion matrix, a ROC curve and,
/// with <c>--oneshot N</c>, N-way one-shot accuracy on the test images.
/// </summary>
public static class EvaluateCommand
{
    private const int MaxWays = 1000;
    private const int MaxTrials = 1_000_000;

    public static Command Create()
    {
        var model = ModelOption.Create();
        var dataset = new Option<string?>("--dataset") { Description = "Dataset to evaluate on. Default: the one the model was trained on." };
        var dataDir = CommonOptions.DataDir();
        var testPairs = new Option<int?>("--test-pairs") { Description = "Cap on test pairs. Default all (20,000 on MNIST)." }.Within(2, int.MaxValue);
        var roc = new Option<string?>("--roc") { Description = "Write the ROC curve to this PNG." };
        var oneShot = new Option<int?>("--oneshot") { Description = "Also N-way one-shot accuracy on the test images (Koch et al. 2015): e.g. 10 on MNIST." }.Within(2, MaxWays);
        var trials = new Option<int>("--trials") { Description = "One-shot trials.", DefaultValueFactory = _ => 1000 }.Within(1, MaxTrials);
        var seed = new Option<int>("--seed") { Description = "Seed of the one-shot trials.", DefaultValueFactory = _ => 42 }.Within(0, int.MaxValue);
        var prepare = CommonOptions.Prepare();
        prepare.Description = "How an image-folder dataset's images become inputs: mnist, fit or stretch. Default: what the model file records.";
        var json = CommonOptions.Json();
        var device = CommonOptions.Device();
        var command = new Command("evaluate", "Evaluate a model on the test pairs: accuracy, ROC AUC, EER, threshold, confusion matrix; with --oneshot N, N-way one-shot accuracy.")
        {
            model, dataset, dataDir, testPairs, roc, oneShot, trials, seed, prepare, json, device,
        };
        command.SetAction(parse =>
        {
            var modelPath = ModelOption.Resolve(parse.GetValue(model));
            var rocPath = parse.GetValue(roc) is { } r ? OutputPaths.File(r, "--roc") : null;
            using var computeDevice = ComputeDevice.Open(parse.GetValue(device)!);
            using var loaded = new LoadedModel(modelPath, computeDevice);
            var header = loaded.Header;
            var asJson = parse.GetValue(json);
            var log = new Progress<string>(m => { if (!asJson) AnsiConsole.MarkupLine($"[grey]{Markup.Escape(m)}[/]"); });
            var data = Datasets.Load(parse.GetValue(dataset) ?? header.Training.Dataset, DataLocation.Resolve(parse.GetValue(dataDir)), log,
                imageFolderPreparation: parse.GetValue(prepare) ?? header.InputPreparation);
            loaded.RequireInput(data.Test);
            var (ways, trialCount, trialSeed) = (parse.GetValue(oneShot), parse.GetValue(trials), parse.GetValue(seed));
            var oneShotPairs = ways is { } n ? OneShot.Trials(data.Test, n, trialCount, trialSeed) : null;
            var report = Evaluate(loaded, data, parse.GetValue(testPairs), computeDevice);
            if (ways is { } w && oneShotPairs is not null)
            {
                var accuracy = OneShot.Accuracy(loaded.Similarities(data.Test, oneShotPairs), oneShotPairs.Label, w);
                report = report with { OneShot = new OneShotResult(w, trialCount, trialSeed, accuracy) };
            }
            // The report is printed before the figure is written: a figure that fails to save does not take the report with it.
            if (asJson)
                Console.WriteLine(JsonSerializer.Serialize(report.ToJson(modelPath, data.Test.Name, computeDevice.ToString()), JsonOutput.Options));
            else
                Print(report, modelPath, data.Test.Name);
            if (rocPath is not null)
                RocPlot.Save(rocPath, report.Roc, $"{Path.GetFileName(modelPath)} on {data.Test.Name}: AUC {report.Auc:0.0000}");
            return ExitCodes.Ok;
        });
        return command;
    }

    public sealed record Report(int Pairs, double Loss, double Accuracy, double Threshold, double Auc, double Eer,
        double BestThreshold, double AccuracyAtBest, Confusion Confusion, IReadOnlyList<RocPoint> Roc)
    {
        public OneShotResult? OneShot { get; init; }

        public object ToJson(string model, string dataset, string device) => new
        {
            model, dataset, device, pairs = Pairs, loss = Loss, accuracy = Accuracy, threshold = Threshold, auc = Auc, eer = Eer,
            bestThreshold = BestThreshold, accuracyAtBestThreshold = AccuracyAtBest,
            confusion = new { truePositives = Confusion.TruePositives, falsePositives = Confusion.FalsePositives, trueNegatives = Confusion.TrueNegatives, falseNegatives = Confusion.FalseNegatives },
            oneShot = OneShot is { } o ? new { ways = o.Ways, trials = o.Trials, seed = o.Seed, accuracy = o.Accuracy, chance = 1.0 / o.Ways } : null,
        };
    }

    public static Report Evaluate(LoadedModel model, DatasetSplit data, int? testPairCap, ComputeDevice device)
    {
        var seed = model.Header.Training.Seed;
        var (_, validation) = ValidationSplit.Of(data.Train);
        using var validationImages = new DeviceImages(device, validation, model.Network.Activations.MaxImages);
        using var testImages = new DeviceImages(device, data.Test, model.Network.Activations.MaxImages);
        var validationPairs = PairBuilder.Build(validation, seed + 1);
        var best = PairMetrics.BestThreshold(model.Similarities(model.Run(validationImages, validationPairs)), validationPairs.Label);
        var test = model.Run(testImages, Trainer.TestPairs(data.Test, seed, testPairCap));
        var scores = model.Similarities(test);
        var threshold = model.Header.Threshold;
        return new Report(scores.Length, test.MeanLoss, PairMetrics.Accuracy(scores, test.Labels, threshold), threshold,
            PairMetrics.Auc(scores, test.Labels), PairMetrics.EqualErrorRate(scores, test.Labels), best,
            PairMetrics.Accuracy(scores, test.Labels, best), PairMetrics.Confusion(scores, test.Labels, threshold),
            PairMetrics.Roc(scores, test.Labels));
    }

    private static void Print(Report r, string model, string dataset)
    {
        var table = new Table().Title($"{Markup.Escape(model)} on {Markup.Escape(dataset)} ({r.Pairs:N0} test pairs)").AddColumns("metric", "value");
        table.AddRow("loss", $"{r.Loss:0.0000}");
        table.AddRow("accuracy at the model's threshold", $"[bold]{r.Accuracy:0.0000}[/] (similarity ≥ {r.Threshold:0.####})");
        table.AddRow("ROC AUC", $"{r.Auc:0.00000}");
        table.AddRow("equal error rate", $"{r.Eer:0.0000}");
        table.AddRow("best threshold (validation pairs)", $"{r.BestThreshold:0.####} → accuracy {r.AccuracyAtBest:0.0000}");
        if (r.OneShot is { } o)
            table.AddRow($"{o.Ways}-way one-shot accuracy ({o.Trials:N0} trials, seed {o.Seed})", $"[bold]{o.Accuracy:0.0000}[/] (chance {1.0 / o.Ways:0.0000})");
        AnsiConsole.Write(table);
        var confusion = new Table().Title("confusion at the model's threshold").AddColumns("", "called same", "called different");
        confusion.AddRow("same", r.Confusion.TruePositives.ToString("N0"), r.Confusion.FalseNegatives.ToString("N0"));
        confusion.AddRow("different", r.Confusion.FalsePositives.ToString("N0"), r.Confusion.TrueNegatives.ToString("N0"));
        AnsiConsole.Write(confusion);
    }
}
