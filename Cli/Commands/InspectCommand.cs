using System.CommandLine;
using System.Text.Json;
using ILGPU.Runtime;
using IlgpuSiamese.Cli.Figures;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Network;
using IlgpuSiamese.Network.Layers;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Storage;
using IlgpuSiamese.Training.Data;
using IlgpuSiamese.Training.Models;
using Spectre.Console;

namespace IlgpuSiamese.Cli.Commands;

/// <summary>
/// <c>siamese inspect A B [--out layers.png] [--json]</c>: both twins side by side through every layer of the
/// tower: each layer's output for both images (statistics; feature maps and embeddings in the figure), the
/// distance and the similarity. One forward of the two images as one batch, as the twins run in training.
/// </summary>
public static class InspectCommand
{
    /// <summary>One layer's output for both images: <c>First</c> and <c>Second</c> hold <c>Shape.Length</c> values each.</summary>
    public sealed record LayerOutput(int Index, string Name, TensorShape Shape, float[] First, float[] Second);

    /// <summary>Mean, largest value and fraction of exact zeros of one image's layer output.</summary>
    public sealed record Statistics(double Mean, double Max, double Zeros)
    {
        public static Statistics Of(float[] values) =>
            new(values.Average(v => (double)v), values.Max(), values.Count(v => v == 0f) / (double)values.Length);
    }

    public sealed record Inspection(string Model, string First, string Second, LabelledImages Inputs, IReadOnlyList<LayerOutput> Layers,
        float Distance, float Similarity, bool Same, double Threshold);

    public static Command Create()
    {
        var images = new Argument<string[]>("images") { Description = "Two image files: PNG, JPEG, BMP, GIF or WebP, any size.", Arity = new ArgumentArity(2, 2) };
        var model = ModelOption.Create();
        var output = new Option<string?>("--out") { Description = "Write a PNG figure: every layer's feature maps for both images side by side, the embeddings, distance and similarity." };
        var channels = new Option<int>("--channels") { Description = "Feature maps drawn per layer and image (the first ones).", DefaultValueFactory = _ => 6 }.Within(1, 16);
        var invert = CommonOptions.Invert();
        var prepare = CommonOptions.Prepare();
        var json = CommonOptions.Json();
        json.Description = "Print each layer's statistics (mean, max, fraction of zeros) for both images, the distance and the similarity as JSON.";
        var device = CommonOptions.Device();
        var command = new Command("inspect", "Both twins side by side through every layer: feature maps, embeddings, distance and similarity of two images.")
        {
            images, model, output, channels, invert, prepare, json, device,
        };
        command.SetAction(parse =>
        {
            var files = parse.GetValue(images)!;
            var figure = parse.GetValue(output) is { } o ? OutputPaths.File(o, "--out") : null;
            var modelPath = ModelOption.Resolve(parse.GetValue(model));
            using var computeDevice = ComputeDevice.Open(parse.GetValue(device)!);
            using var loaded = new LoadedModel(modelPath, computeDevice);
            var prepared = GrayImages.Read("images", files, loaded.Input.Height, loaded.Input.Width,
                parse.GetValue(prepare) ?? loaded.Header.InputPreparation, parse.GetValue(invert));
            var inspection = Inspect(loaded, prepared, files[0], files[1]);
            if (figure is not null)
                AtomicFile.Write(figure, LayerFigure.Png(inspection, parse.GetValue(channels)));
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(Json(inspection), JsonOutput.Options));
            else
                Print(inspection, figure);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The two images through the model: every layer's output for both, then the head's distance and similarity.</summary>
    public static Inspection Inspect(LoadedModel loaded, LabelledImages prepared, string first, string second)
    {
        var pair = FilePairs.Of([(first, second)]);
        var network = loaded.Network;
        using var onDevice = new DeviceImages(network.Device, prepared, network.Activations.MaxImages);
        var outputs = loaded.Run(onDevice, pair.Pairs);
        var (distance, similarity) = (outputs.Distances[0], loaded.Similarities(outputs)[0]);
        onDevice.Load(network.Activations, [[0, 1]], 2);
        network.ForwardEmbeddings(2);
        network.Device.Synchronize();
        var layers = new List<LayerOutput>();
        var tower = network.Tower.Layers;
        for (var l = 0; l < tower.Count; l++)
        {
            var shape = tower[l].Output;
            var both = new float[2 * shape.Length];
            network.Activations.Output(l, 2).CopyToCPU(both);
            layers.Add(new LayerOutput(l + 1, Name(tower[l]), shape, both[..shape.Length], both[shape.Length..]));
        }
        return new Inspection(loaded.Path, first, second, prepared, layers, distance, similarity, similarity >= loaded.Header.Threshold, loaded.Header.Threshold);
    }

    private static string Name(Layer layer) => layer switch
    {
        ConvLayer => "conv",
        MaxPoolLayer => "max-pool",
        DropoutLayer => "dropout",
        GlobalAvgPoolLayer => "global avg pool",
        DenseLayer => "dense",
        _ => layer.GetType().Name,
    };

    private static object Json(Inspection i) => new
    {
        model = i.Model,
        first = i.First,
        second = i.Second,
        distance = i.Distance,
        similarity = i.Similarity,
        same = i.Same,
        threshold = i.Threshold,
        layers = i.Layers.Select(l => new
        {
            index = l.Index,
            name = l.Name,
            shape = l.Shape.ToString(),
            first = Statistics.Of(l.First),
            second = Statistics.Of(l.Second),
        }),
        embeddings = new { first = i.Layers[^1].First, second = i.Layers[^1].Second },
    };

    private static void Print(Inspection i, string? figure)
    {
        var table = new Table().AddColumns("#", "layer", "output", "mean A", "mean B", "max A", "max B", "zeros A", "zeros B");
        foreach (var l in i.Layers)
        {
            var (a, b) = (Statistics.Of(l.First), Statistics.Of(l.Second));
            table.AddRow(l.Index.ToString(), Markup.Escape(l.Name), l.Shape.ToString(), $"{a.Mean:0.000}", $"{b.Mean:0.000}", $"{a.Max:0.000}", $"{b.Max:0.000}",
                $"{a.Zeros:0%}", $"{b.Zeros:0%}");
        }
        AnsiConsole.MarkupLine($"A = {Markup.Escape(i.First)}, B = {Markup.Escape(i.Second)}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Distance: [bold]{i.Distance:0.0000}[/]  Similarity: [bold]{i.Similarity:0.0000}[/]: {(i.Same ? "[green]same[/]" : "[red]different[/]")} (threshold {i.Threshold:0.####})");
        if (figure is not null)
            AnsiConsole.MarkupLine($"[grey]wrote {Markup.Escape(figure)}[/]");
    }
}
