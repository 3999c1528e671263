using System.CommandLine;
using IlgpuSiamese.Cli.Figures;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Data;
using IlgpuSiamese.Training.Storage;

namespace IlgpuSiamese.Cli.Commands;

/// <summary><c>siamese pairs [--dataset ...] [--count 49] [--seed S] --out pairs.png</c>: a labelled montage of training pairs.</summary>
public static class PairsCommand
{
    private const int MaxCount = 400;
    private const int MaxEpoch = 1_000_000;

    public static Command Create()
    {
        var dataset = CommonOptions.Dataset();
        var dataDir = CommonOptions.DataDir();
        var seed = CommonOptions.Seed();
        var strict = CommonOptions.Strict();
        var count = new Option<int>("--count") { Description = $"How many pairs to show, 1..{MaxCount} (49 makes a 7x7 grid).", DefaultValueFactory = _ => 49 }.Within(1, MaxCount);
        var epoch = new Option<int>("--epoch") { Description = "Show the pairs drawn for this epoch (0 = the first).", DefaultValueFactory = _ => 0 }.Within(0, MaxEpoch);
        var output = new Option<string>("--out") { Description = "The PNG file to write.", Required = true };
        var command = new Command("pairs", "Draw random training pairs (positive: same class; negative: different classes) as a labelled PNG montage.")
        {
            dataset, dataDir, count, seed, epoch, strict, output,
        };
        command.SetAction(parse =>
        {
            var shown = parse.GetValue(count);
            var path = OutputPaths.File(parse.GetRequiredValue(output), "--out");

            var location = DataLocation.Resolve(parse.GetValue(dataDir));
            var data = DataConsole.Run((log, progress) => Datasets.Load(parse.GetRequiredValue(dataset), location, log, parse.GetValue(strict), progress: progress));
            var pairs = PairBuilder.Build(data.Train, parse.GetValue(seed), epoch: parse.GetValue(epoch));
            shown = Math.Min(shown, pairs.Count);
            var title = $"{data.Train.Name}: {shown} training pair{(shown == 1 ? "" : "s")}, seed {parse.GetValue(seed)}, epoch {parse.GetValue(epoch)}";
            AtomicFile.Write(path, PairMontage.Png(data.Train, pairs, shown, title));
            var positives = pairs.Label.Take(shown).Count(l => l == 1f);
            Console.WriteLine($"wrote {path}: {shown} pair{(shown == 1 ? "" : "s")}, {positives} positive (same class), {shown - positives} negative");
            return ExitCodes.Ok;
        });
        return command;
    }
}
