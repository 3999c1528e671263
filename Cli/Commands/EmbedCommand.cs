using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Spectre.Console;
using IlgpuSiamese.Cli.Figures;
using IlgpuSiamese.Kernels.Ops;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Data;
using IlgpuSiamese.Training.Maps;
using IlgpuSiamese.Training.Storage;

namespace IlgpuSiamese.Cli.Commands;

/// <summary>
/// <c>siamese embed --dir FOLDER --out embeddings.csv</c>: every image's embedding under a model, one CSV row each; with
/// <c>--map map.png</c> (or <c>--dataset mnist --map map.png</c>, the dataset's test images) the embeddings drawn in the
/// plane, coloured by class.
/// </summary>
public static class EmbedCommand
{
    /// <summary>Images to embed: a name for each, and a class (a dataset's label, or the subfolder of --dir an image is in).</summary>
    private sealed record Images(IReadOnlyList<string> Names, IReadOnlyList<PreparedImage> Prepared, int[] Labels, IReadOnlyList<string> ClassNames, string Source);

    public static Command Create()
    {
        var dir = new Option<string?>("--dir") { Description = "The images to embed: this folder and its subfolders (PNG, JPEG, BMP, GIF, WebP); on the map, each subfolder is a class." };
        var dataset = new Option<string?>("--dataset") { Description = "Instead of --dir, the test images of a dataset, labelled: mnist, fashion-mnist, a folder of IDX files, or an image folder (one subfolder per class)." };
        var dataDir = CommonOptions.DataDir();
        var output = new Option<string?>("--out") { Description = "The CSV to write: path, then e0..e{F-1} (--dataset rows are named dataset:test:INDEX)." };
        var map = new Option<string?>("--map") { Description = "Draw the embeddings in the plane to this PNG, one colour per class, with a legend." };
        var projection = new Option<MapProjection?>("--projection") { Description = "How --map flattens the embeddings: direct (models trained with --embedding 2), pca, or tsne (exact t-SNE on the device). Default: direct for 2-value embeddings, else tsne." };
        var perplexity = new Option<double>("--perplexity") { Description = "t-SNE's perplexity: about how many neighbours each image keeps close.", DefaultValueFactory = _ => 30 }.Within(2, 100);
        var seed = new Option<int>("--seed") { Description = "Seed of t-SNE's starting points: the same seed draws the same map.", DefaultValueFactory = _ => 42 }.Within(0, int.MaxValue);
        var model = ModelOption.Create();
        var invert = CommonOptions.Invert();
        var prepare = CommonOptions.Prepare();
        var device = CommonOptions.Device();
        var command = new Command("embed", "Write the embedding of every image in a folder (or a dataset's test images) to a CSV, or draw them as a map (the tower's output, preprocessed as compare does).")
        {
            dir, dataset, dataDir, output, map, projection, perplexity, seed, model, invert, prepare, device,
        };
        command.SetAction(parse =>
        {
            var (folder, datasetName) = (parse.GetValue(dir), parse.GetValue(dataset));
            if ((folder is null) == (datasetName is null))
                throw new UsageException("embed takes its images from --dir FOLDER or --dataset NAME (one of them)");
            var (csvPath, mapPath) = (parse.GetValue(output), parse.GetValue(map));
            if (csvPath is null && mapPath is null)
                throw new UsageException("embed writes --out embeddings.csv, --map map.png, or both: name at least one");
            csvPath = csvPath is null ? null : OutputPaths.File(csvPath, "--out");
            mapPath = mapPath is null ? null : OutputPaths.File(mapPath, "--map");

            using var siamese = SiameseModel.Load(ModelOption.Resolve(parse.GetValue(model)), parse.GetValue(device)!);
            var images = folder is null
                ? FromDataset(siamese, datasetName!, parse.GetValue(dataDir))
                : FromFolder(siamese, folder, parse.GetValue(prepare), parse.GetValue(invert));
            var embeddings = siamese.Embed(images.Prepared);
            var size = siamese.EmbeddingSize;
            if (csvPath is not null)
            {
                AtomicFile.WriteText(csvPath, Csv(images.Names, embeddings, size));
                AnsiConsole.MarkupLine($"wrote {Markup.Escape(csvPath)}: {images.Names.Count} image{(images.Names.Count == 1 ? "" : "s")}, {size} values each");
            }
            if (mapPath is not null)
            {
                var how = parse.GetValue(projection) ?? EmbeddingMap.DefaultFor(size);
                var settings = new TsneSettings(parse.GetValue(perplexity), Seed: parse.GetValue(seed));
                var clock = Stopwatch.StartNew();
                var drawn = Map(siamese, embeddings, size, how, settings);
                var took = clock.Elapsed.TotalSeconds;
                var title = $"{images.Source}: {images.Names.Count:N0} embeddings by {Path.GetFileName(siamese.Name)}, {Describe(how, settings)}";
                EmbeddingMapFigure.Save(mapPath, drawn, images.Labels, images.ClassNames, title);
                AnsiConsole.MarkupLine($"wrote {Markup.Escape(mapPath)}: {how.ToString().ToLowerInvariant()} of {images.Names.Count:N0} embeddings in {took:0.0} s");
            }
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Images FromFolder(SiameseModel siamese, string folder, ImagePreparation? preparation, InvertMode inversion)
    {
        if (!Directory.Exists(folder))
            throw new UserInputException($"{folder}: no such folder");
        var files = GrayImages.FilesIn(folder);
        if (files.Count == 0)
            throw new UserInputException($"{folder}: no images found ({string.Join(", ", GrayImages.Extensions)})");
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var classOf = files.Select(f => Path.GetRelativePath(root, Path.GetFullPath(f)).Split(Path.DirectorySeparatorChar) is [var sub, _, ..] ? sub : Path.GetFileName(root)).ToList();
        var classNames = classOf.Distinct().Order(StringComparer.Ordinal).ToList();
        var labels = classOf.Select(c => classNames.IndexOf(c)).ToArray();
        var prepared = files.Select(f => siamese.Prepare(SiameseImage.FromFile(f), preparation, inversion)).ToList();
        return new Images(files, prepared, labels, classNames, Path.GetFileName(root));
    }

    private static Images FromDataset(SiameseModel siamese, string name, string? dataDir)
    {
        var test = DataConsole.Run((log, progress) => Datasets.Load(name, DataLocation.Resolve(dataDir), log, progress: progress,
            imageFolderPreparation: siamese.Preparation)).Test;
        if (test.Height != siamese.InputHeight || test.Width != siamese.InputWidth)
            throw new UserInputException($"{test.Name}: its images are {test.Height}x{test.Width}, the model takes {siamese.InputHeight}x{siamese.InputWidth}");
        var names = Enumerable.Range(0, test.Count).Select(i => $"{test.Name}:test:{i}").ToList();
        var prepared = names.Select((n, i) => new PreparedImage(n, test.Height, test.Width, test.Image(i).ToArray())).ToList();
        return new Images(names, prepared, test.Labels, test.ClassNames, $"{test.Name} test images");
    }

    private static EmbeddingMap Map(SiameseModel siamese, float[][] embeddings, int size, MapProjection how, TsneSettings settings)
    {
        var flat = embeddings.SelectMany(e => e).ToArray();
        if (how != MapProjection.Tsne)
            return siamese.OnDevice(device => EmbeddingMap.Of(flat, embeddings.Length, size, how, device, settings));
        return AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var task = context.AddTask($"t-SNE of {embeddings.Length:N0} embeddings", maxValue: settings.Iterations);
                return siamese.OnDevice(device => EmbeddingMap.Of(flat, embeddings.Length, size, how, device, settings, done => task.Value = done));
            });
    }

    private static string Describe(MapProjection how, TsneSettings settings) => how switch
    {
        MapProjection.Direct => "as they are",
        MapProjection.Pca => "principal components",
        _ => $"t-SNE (perplexity {settings.Perplexity:0.#}, seed {settings.Seed})",
    };

    private static string Csv(IReadOnlyList<string> names, float[][] embeddings, int size)
    {
        var text = new StringBuilder(Training.Data.Csv.Line(Enumerable.Range(0, size).Select(k => $"e{k}").Prepend("path"))).Append('\n');
        for (var i = 0; i < names.Count; i++)
        {
            var values = embeddings[i].Select(v => v.ToString("R", CultureInfo.InvariantCulture));
            text.Append(Training.Data.Csv.Line(values.Prepend(names[i]))).Append('\n');
        }
        return text.ToString();
    }
}
