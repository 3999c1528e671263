using System.CommandLine;
using System.Globalization;
using System.Text;
using Spectre.Console;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Storage;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Cli.Commands;

/// <summary><c>siamese embed --dir FOLDER --out embeddings.csv</c>: every image's embedding under a model, one CSV row each.</summary>
public static class EmbedCommand
{
    public static Command Create()
    {
        var dir = new Option<string>("--dir") { Description = "The images to embed: this folder and its subfolders (PNG, JPEG, BMP, GIF, WebP).", Required = true };
        var output = new Option<string>("--out") { Description = "The CSV to write: path, then e0..e{F-1}.", Required = true };
        var model = ModelOption.Create();
        var invert = CommonOptions.Invert();
        var prepare = CommonOptions.Prepare();
        var device = CommonOptions.Device();
        var command = new Command("embed", "Write the embedding of every image in a folder to a CSV (the tower's output, preprocessed as compare does).")
        {
            dir, output, model, invert, prepare, device,
        };
        command.SetAction(parse =>
        {
            var folder = parse.GetRequiredValue(dir);
            if (!Directory.Exists(folder))
                throw new UserInputException($"{folder}: no such folder");
            var files = GrayImages.FilesIn(folder);
            if (files.Count == 0)
                throw new UserInputException($"{folder}: no images found ({string.Join(", ", GrayImages.Extensions)})");
            var path = OutputPaths.File(parse.GetRequiredValue(output), "--out");
            using var siamese = SiameseModel.Load(ModelOption.Resolve(parse.GetValue(model)), parse.GetValue(device)!);
            var (preparation, inversion) = (parse.GetValue(prepare), parse.GetValue(invert));
            var embeddings = siamese.Embed(files.Select(f => siamese.Prepare(SiameseImage.FromFile(f), preparation, inversion)).ToList());
            var size = siamese.EmbeddingSize;
            AtomicFile.WriteText(path, Csv(files, embeddings, size));
            AnsiConsole.MarkupLine($"wrote {Markup.Escape(path)}: {files.Count} image{(files.Count == 1 ? "" : "s")}, {size} values each");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Csv(IReadOnlyList<string> files, float[][] embeddings, int size)
    {
        var text = new StringBuilder(Training.Data.Csv.Line(Enumerable.Range(0, size).Select(k => $"e{k}").Prepend("path"))).Append('\n');
        for (var i = 0; i < files.Count; i++)
        {
            var values = embeddings[i].Select(v => v.ToString("R", CultureInfo.InvariantCulture));
            text.Append(Training.Data.Csv.Line(values.Prepend(files[i]))).Append('\n');
        }
        return text.ToString();
    }
}
