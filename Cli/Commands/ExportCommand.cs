using System.CommandLine;
using Spectre.Console;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Models;
using IlgpuSiamese.Training.Onnx;
using IlgpuSiamese.Training.Storage;

namespace IlgpuSiamese.Cli.Commands;

/// <summary><c>siamese export --onnx model.onnx [--model M]</c>: the tower and the pair head as an ONNX graph.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var onnx = new Option<string>("--onnx")
        {
            Description = $"The ONNX file to write (opset {OnnxExport.Opset}): inputs '{OnnxExport.FirstInput}' and '{OnnxExport.SecondInput}' (N, 1, 28, 28; pixel / 255), " +
                          $"outputs '{OnnxExport.FirstEmbedding}', '{OnnxExport.SecondEmbedding}', '{OnnxExport.Distance}' and '{OnnxExport.Similarity}'; " +
                          "the threshold is in its metadata.",
            Required = true,
        };
        var model = ModelOption.Create();
        var command = new Command("export", "Export a model to ONNX, for ONNX Runtime, Netron and other frameworks: the shared tower applied to " +
                                            "both images, the distance and the similarity; 'same' is similarity >= the metadata's threshold.")
        {
            onnx, model,
        };
        command.SetAction(parse =>
        {
            var source = ModelOption.Resolve(parse.GetValue(model));
            var path = OutputPaths.File(parse.GetRequiredValue(onnx), "--onnx");
            var saved = ModelFile.Load(source);
            OnnxExport.Save(saved, source, path);
            var header = saved.Header;
            AnsiConsole.MarkupLine(Markup.Escape(
                $"wrote {path}: {header.Network.Tower.Preset} tower, {header.Network.Loss.ToString().ToLowerInvariant()} head, " +
                $"{header.ParameterCount:N0} parameters, opset {OnnxExport.Opset}, threshold {header.Threshold:0.####}"));
            return ExitCodes.Ok;
        });
        return command;
    }
}
