using System.CommandLine;
using System.Text.Json;
using IlgpuSiamese.Kernels.Devices;
using Spectre.Console;

namespace IlgpuSiamese.Cli.Commands;

/// <summary><c>siamese devices [--json]</c>: every accelerator found, whether it is usable, and why not.</summary>
public static class DevicesCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the list as JSON." };
        var command = new Command("devices", "List every accelerator found (CUDA, OpenCL, CPU) and whether it can be used.") { json };
        command.SetAction(parse =>
        {
            using var catalog = new DeviceCatalog();
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(new { devices = catalog.Devices.Select(ToJson), notes = catalog.Notes }, JsonOutput.Options));
            else
                PrintTable(catalog);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static object ToJson(DeviceInfo d) => new
    {
        id = d.Id,
        kind = d.Kind.ToString().ToLowerInvariant(),
        d.Index,
        d.Name,
        d.Type,
        d.MemoryBytes,
        d.Parallelism,
        d.ParallelismUnit,
        d.Usable,
        d.WhyUnusable,
    };

    private static void PrintTable(DeviceCatalog catalog)
    {
        var table = new Table().AddColumns("device", "type", "name", "memory", "parallelism", "usable");
        foreach (var d in catalog.Devices)
        {
            table.AddRow(d.Id, d.Type, Markup.Escape(d.Name), $"{d.MemoryBytes / (1024.0 * 1024 * 1024):0.0} GiB",
                $"{d.Parallelism} {d.ParallelismUnit}", d.Usable ? "[green]yes[/]" : $"[red]no[/]: {Markup.Escape(d.WhyUnusable!)}");
        }
        AnsiConsole.Write(table);
        foreach (var note in catalog.Notes)
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(note)}[/]");
        var (auto, _) = catalog.Resolve(DeviceRequest.Auto);
        AnsiConsole.MarkupLine($"--device auto picks [bold]{auto.Id}[/] ({Markup.Escape(auto.Name)}).");
    }
}
