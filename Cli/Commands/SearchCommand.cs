using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using IlgpuSiamese.Cli.Figures;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Data;
using IlgpuSiamese.Training.Models;
using IlgpuSiamese.Training.Search;
using IlgpuSiamese.Training.Storage;

namespace IlgpuSiamese.Cli.Commands;

/// <summary>
/// <c>siamese search QUERY --dir GALLERY</c> (or <c>--embeddings gallery.csv</c>): the gallery's images ranked by their
/// similarity to the query. A query that is itself in the gallery stays in the ranking (first, similarity ≈ 1).
/// </summary>
public static class SearchCommand
{
    public sealed record Found(string File, float Similarity, float Distance);

    public static Command Create()
    {
        var query = new Argument<string>("query") { Description = "The image to look for: PNG, JPEG, BMP, GIF or WebP, any size." };
        var dir = new Option<string?>("--dir") { Description = "The gallery: the images in this folder and its subfolders (a query inside it ranks first)." };
        var cached = new Option<string?>("--embeddings") { Description = "The gallery as a CSV written by siamese embed with the same model, instead of --dir (refused when its size differs, or its first image, embedded again, gives another row)." };
        var top = new Option<int>("--top") { Description = "How many of the most similar images to list.", DefaultValueFactory = _ => 8 }.Within(1, CompareCommand.MaxFigurePairs);
        var model = ModelOption.Create();
        var invert = CommonOptions.Invert();
        var prepare = CommonOptions.Prepare();
        var output = new Option<string?>("--out") { Description = "Write a PNG figure: the query beside each of its nearest images, labelled with the similarity." };
        var json = CommonOptions.Json();
        var device = CommonOptions.Device();
        var command = new Command("search",
            "Rank a folder's images by their similarity to a query image (distances on the device, the top ones sorted on the host).")
        {
            query, dir, cached, top, model, invert, prepare, output, json, device,
        };
        command.SetAction(parse =>
        {
            var (folder, csv) = (parse.GetValue(dir), parse.GetValue(cached));
            if ((folder is null) == (csv is null))
                throw new UsageException("search takes a gallery: --dir FOLDER or --embeddings FILE (one of them)");
            var queryPath = parse.GetRequiredValue(query);
            var galleryFiles = folder is null ? null : GalleryFiles(folder);
            var figure = parse.GetValue(output) is { } o ? OutputPaths.File(o, "--out") : null;
            var modelPath = ModelOption.Resolve(parse.GetValue(model));
            // Read on the second core while the device opens and ILGPU generates the query's kernels on the first.
            var savedModel = Task.Run(() => ModelFile.Load(modelPath));
            var cachedGallery = csv is null ? null : Task.Run(() => EmbeddingCsv.Read(csv));
            using var computeDevice = ComputeDevice.Open(parse.GetValue(device)!);
            using var loaded = new LoadedModel(modelPath, savedModel.GetAwaiter().GetResult(), computeDevice);
            var preparation = parse.GetValue(prepare) ?? loaded.Header.InputPreparation;
            LabelledImages Read(string name, IReadOnlyList<string> files) =>
                GrayImages.Read(name, files, loaded.Input.Height, loaded.Input.Width, preparation, parse.GetValue(invert));

            var queryEmbedding = loaded.Embeddings(Read("query", [queryPath]));
            var gallery = cachedGallery is null
                ? new EmbeddingCsv(galleryFiles!, loaded.Embeddings(Read(folder!, galleryFiles!)))
                : cachedGallery.GetAwaiter().GetResult();
            if (csv is not null)
            {
                gallery.RequireSize(csv, loaded.Network.EmbeddingSize, modelPath);
                RequireSameModel(gallery, csv, modelPath, file => loaded.Embeddings(Read("check", [file])));
            }
            var hits = GallerySearch.Rank(loaded, queryEmbedding, gallery.Embeddings, parse.GetValue(top));
            var found = hits.Select(h => new Found(gallery.Files[h.Index], h.Similarity, h.Distance)).ToList();

            if (figure is not null)
            {
                var images = Read("search", [queryPath, .. found.Select(f => f.File)]);
                var title = $"{Path.GetFileName(queryPath)}: the {found.Count} nearest in {folder ?? Path.GetFileName(csv)}, model {Path.GetFileName(modelPath)}";
                AtomicFile.Write(figure, SearchFigure.Png(images, found, loaded.Header.Threshold, title));
            }
            if (parse.GetValue(json))
            {
                var results = found.Select(f => new { file = f.File, similarity = f.Similarity, distance = f.Distance });
                Console.WriteLine(JsonSerializer.Serialize(new { model = modelPath, query = queryPath, results }, JsonOutput.Options));
                return ExitCodes.Ok;
            }
            PrintTable(found, queryPath, modelPath, gallery.Files.Count);
            if (figure is not null)
                AnsiConsole.MarkupLine($"[grey]wrote {Markup.Escape(figure)}[/]");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static List<string> GalleryFiles(string folder)
    {
        if (!Directory.Exists(folder))
            throw new UserInputException($"{folder}: no such folder");
        var files = GrayImages.FilesIn(folder);
        if (files.Count == 0)
            throw new UserInputException($"{folder}: no images found ({string.Join(", ", GrayImages.Extensions)})");
        return files;
    }

    /// <summary>
    /// Refuses a cached CSV made with another model (or another --prepare or --invert): its first image, embedded again now,
    /// must give back its row, up to the rounding of another backend. Skipped when that file is no longer there.
    /// </summary>
    private static void RequireSameModel(EmbeddingCsv gallery, string csv, string model, Func<string, float[]> embed)
    {
        var file = gallery.Files[0];
        if (!File.Exists(file))
            return;
        var now = embed(file);
        var cached = gallery.Embeddings.AsSpan(0, now.Length);
        var scale = Math.Max(1f, now.Max(Math.Abs));
        for (var k = 0; k < now.Length; k++)
        {
            if (!(Math.Abs(now[k] - cached[k]) <= 1e-3f * scale))
                throw new UserInputException($"{csv}: its first row ({file}) is not what {model} embeds it as now: the CSV was made with another model, --prepare or --invert; embed the folder again");
        }
    }

    private static void PrintTable(IReadOnlyList<Found> found, string query, string model, int gallerySize)
    {
        var table = new Table().Title($"{Markup.Escape(Path.GetFileName(query))}: the {found.Count} most similar of {gallerySize}")
            .AddColumns("#", "file", "similarity");
        table.Columns[0].RightAligned();
        table.Columns[2].RightAligned();
        for (var r = 0; r < found.Count; r++)
            table.AddRow((r + 1).ToString(), Markup.Escape(found[r].File), $"{found[r].Similarity:0.0000}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"[grey]model {Markup.Escape(model)}[/]");
    }
}
