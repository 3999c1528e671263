using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using IlgpuSiamese.Cli.Figures;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Storage;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Cli.Commands;

/// <summary>
/// <c>siamese compare A B</c>, <c>--pairs list.csv</c> or <c>--dir FOLDER --count N --seed S</c>: the
/// similarity of image pairs under a model and its same/different call, as text, a table, JSON, CSV and a figure.
/// </summary>
public static class CompareCommand
{
    public const int MaxFigurePairs = 400;
    private const int MaxRandomPairs = 100_000;

    public sealed record Compared(string First, string Second, float Similarity, bool Same);

    public static Command Create()
    {
        var images = new Argument<string[]>("images") { Description = "Two image files: PNG, JPEG, BMP, GIF or WebP, any size.", Arity = new ArgumentArity(0, 2) };
        var model = ModelOption.Create();
        var pairs = new Option<string?>("--pairs") { Description = "A CSV of pairs: two image paths per line (relative to the CSV's folder), optional header." };
        var dir = new Option<string?>("--dir") { Description = "Compare random pairs of the images in this folder and its subfolders." };
        var count = new Option<int>("--count") { Description = "With --dir: how many pairs.", DefaultValueFactory = _ => 10 }.Within(1, MaxRandomPairs);
        var seed = CommonOptions.Seed();
        seed.Description = "With --dir: the seed of the random pairs.";
        var invert = CommonOptions.Invert();
        var prepare = CommonOptions.Prepare();
        var output = new Option<string?>("--out") { Description = $"Write a PNG figure of the pairs (at most {MaxFigurePairs}) with their similarity." };
        var csv = new Option<string?>("--csv") { Description = "Write the similarities to this CSV file." };
        var json = CommonOptions.Json();
        var device = CommonOptions.Device();
        var command = new Command("compare", "The similarity (0..1) of two images, of a list of pairs, or of random pairs from a folder, and same/different at the model's threshold.")
        {
            images, model, pairs, dir, count, seed, invert, prepare, output, csv, json, device,
        };
        command.SetAction(parse =>
        {
            var (list, folder) = (parse.GetValue(pairs), parse.GetValue(dir));
            var filePairs = Pairs(parse.GetValue(images) ?? [], list, folder, parse.GetValue(count), parse.GetValue(seed));
            var figure = parse.GetValue(output) is { } o ? OutputPaths.File(o, "--out") : null;
            var table = parse.GetValue(csv) is { } c ? OutputPaths.File(c, "--csv") : null;
            if (figure is not null && filePairs.Pairs.Count > MaxFigurePairs)
                throw new UserInputException($"--out draws at most {MaxFigurePairs} pairs, and there are {filePairs.Pairs.Count:N0}: leave --out off or list fewer");

            var modelPath = ModelOption.Resolve(parse.GetValue(model));
            using var siamese = SiameseModel.Load(modelPath, parse.GetValue(device)!);
            var (preparation, inversion) = (parse.GetValue(prepare), parse.GetValue(invert));
            var prepared = filePairs.Files.Select(f => siamese.Prepare(SiameseImage.FromFile(f), preparation, inversion)).ToList();
            var comparisons = siamese.Compare(prepared, filePairs.Pairs.First.Zip(filePairs.Pairs.Second).ToList());
            var threshold = siamese.Threshold;
            var compared = comparisons.Select((c, p) => new Compared(filePairs.First(p), filePairs.Second(p), c.Similarity, c.Same)).ToList();

            if (figure is not null)
            {
                var source = list is not null ? $"{Path.GetFileName(list)}: {compared.Count} pairs" : $"{folder}: {compared.Count} random pairs, seed {parse.GetValue(seed)}";
                AtomicFile.Write(figure, ComparisonFigure.Png(PreparedImage.Stack(prepared, siamese.InputHeight, siamese.InputWidth), filePairs.Pairs, compared, threshold, $"{source}, model {Path.GetFileName(modelPath)}"));
            }
            if (table is not null)
                AtomicFile.WriteText(table, Csv(compared));
            var single = list is null && folder is null;
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(single ? SingleJson(modelPath, threshold, compared[0]) : new { model = modelPath, threshold, pairs = compared }, JsonOutput.Options));
                return ExitCodes.Ok;
            }
            if (single)
                PrintOne(compared[0], threshold);
            else
                PrintTable(compared, threshold, modelPath);
            foreach (var written in new[] { figure, table }.OfType<string>())
                AnsiConsole.MarkupLine($"[grey]wrote {Markup.Escape(written)}[/]");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The pairs to compare: two images, a CSV list, or random pairs from a folder (exactly one of them).</summary>
    private static FilePairs Pairs(string[] images, string? list, string? folder, int count, int seed)
    {
        if ((images.Length > 0 ? 1 : 0) + (list is null ? 0 : 1) + (folder is null ? 0 : 1) != 1 || images.Length == 1)
            throw new UsageException("compare takes two images, or --pairs list.csv, or --dir FOLDER (one of them)");
        if (list is not null)
            return FilePairs.FromCsv(list);
        if (folder is null)
            return FilePairs.Of([(images[0], images[1])]);
        return FilePairs.Random(folder, count, seed);
    }

    private static object SingleJson(string model, double threshold, Compared pair) =>
        new { model, threshold, first = pair.First, second = pair.Second, similarity = pair.Similarity, same = pair.Same };

    private static string Decision(bool same) => same ? "[green]same[/]" : "[red]different[/]";

    private static void PrintOne(Compared pair, double threshold) =>
        AnsiConsole.MarkupLine($"Similarity: [bold]{pair.Similarity:0.0000}[/]: {Decision(pair.Same)} (threshold {threshold:0.####})");

    private static void PrintTable(IReadOnlyList<Compared> compared, double threshold, string model)
    {
        var table = new Table().Title($"{Markup.Escape(model)}: same when similarity ≥ {threshold:0.####}").AddColumns("#", "first", "second", "similarity", "decision");
        table.Columns[0].RightAligned();
        table.Columns[3].RightAligned();
        for (var p = 0; p < compared.Count; p++)
        {
            var pair = compared[p];
            table.AddRow((p + 1).ToString(), Markup.Escape(pair.First), Markup.Escape(pair.Second), $"{pair.Similarity:0.0000}", Decision(pair.Same));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"{compared.Count(p => p.Same)} of {compared.Count} pairs called same.");
    }

    private static string Csv(IEnumerable<Compared> compared) =>
        string.Concat(compared.Select(p => Training.Data.Csv.Line([p.First, p.Second, p.Similarity.ToString("0.######", CultureInfo.InvariantCulture), p.Same ? "true" : "false"]) + "\n")
            .Prepend("first,second,similarity,same\n"));
}
