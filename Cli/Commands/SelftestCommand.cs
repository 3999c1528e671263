using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Measuring;
using IlgpuSiamese.Oracle.Checks;
using Spectre.Console;

namespace IlgpuSiamese.Cli.Commands;

/// <summary>
/// <c>siamese selftest [--device D|all] [--json]</c>: every op's kernels (Forward and Backward) against the
/// float64 reference on each device, and every reference backward against central finite differences; a
/// table of the worst error and the verdict per op and device; exit code 1 on any failure. The checks are
/// the test oracle's (<see cref="KernelChecks"/>, <see cref="GradientChecks"/>), shared with the test suite.
/// </summary>
public static class SelftestCommand
{
    public const int Failed = 1;

    public static Command Create()
    {
        var device = new Option<string>("--device")
        {
            Description = "all (every usable accelerator), or a comma-separated list of auto|cuda|opencl|cpu[:N].",
            DefaultValueFactory = _ => BenchmarkDevices.All,
        };
        device.Validators.Add(result =>
        {
            if (result.Tokens is not [.., var token] || token.Value.Trim().Equals(BenchmarkDevices.All, StringComparison.OrdinalIgnoreCase))
                return;
            try
            {
                foreach (var part in token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    DeviceRequest.Parse(part);
            }
            catch (FormatException e)
            {
                result.AddError($"--device {e.Message}");
            }
        });
        var seed = new Option<int?>("--seed") { Description = "Seed of the random inputs (default: a fresh one each run, printed)." };
        var json = CommonOptions.Json();
        var command = new Command("selftest",
            "Check every kernel against its float64 reference on each device, and every reference gradient against finite differences; exit 1 on any failure.")
        {
            device, seed, json,
        };
        command.SetAction(parse => Run(parse.GetValue(device)!, parse.GetValue(seed) ?? Random.Shared.Next(), parse.GetValue(json)));
        return command;
    }

    private static int Run(string deviceOption, int seed, bool asJson)
    {
        var clock = Stopwatch.StartNew();
        var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var ids = BenchmarkDevices.Resolve(deviceOption);
        var random = new Random(seed);
        var rows = new List<SelfTestRow>();
        foreach (var id in ids)
        {
            stderr.MarkupLine($"[grey]Checking the kernels on {Markup.Escape(id)} (compiling them first)...[/]");
            using var computeDevice = ComputeDevice.Open(id);
            rows.AddRange(SelfTest.RunKernels(computeDevice, id, KernelChecks.All, random));
        }
        stderr.MarkupLine("[grey]Checking the float64 reference gradients against finite differences...[/]");
        rows.AddRange(SelfTest.RunGradients(GradientChecks.All, random));
        var failures = rows.Count(r => !r.Passed);
        var seconds = clock.Elapsed.TotalSeconds;
        if (asJson)
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                seed,
                devices = ids,
                passed = failures == 0,
                failures,
                seconds,
                checks = rows.Select(r => new
                {
                    r.Op,
                    r.Kind,
                    r.Device,
                    r.Path,
                    maxError = double.IsFinite(r.MaxError) ? r.MaxError : (double?)null,
                    r.Passed,
                    r.Detail,
                    r.Seconds,
                }),
            }, JsonOutput.Options));
        else
            Print(rows, seed, failures, seconds);
        return failures == 0 ? ExitCodes.Ok : Failed;
    }

    private static void Print(List<SelfTestRow> rows, int seed, int failures, double seconds)
    {
        // Redirected output is 80 columns to Spectre, which would fold the paths over many lines; a file or a pipe can take a wide table.
        if (Console.IsOutputRedirected && AnsiConsole.Profile.Width < 140)
            AnsiConsole.Profile.Width = 140;
        var table = new Table().AddColumns("op", "check", "device", "path", "max error", "result");
        table.Columns[0].NoWrap();
        foreach (var r in rows)
            table.AddRow(Markup.Escape(r.Op), r.Kind == SelfTest.KernelKind ? "kernel" : "gradient",
                Markup.Escape(r.Device), Markup.Escape(r.Path), double.IsFinite(r.MaxError) ? r.MaxError.ToString("0.00e+00", CultureInfo.InvariantCulture) : "-",
                r.Passed ? "[green]pass[/]" : $"[red]FAIL[/]: {Markup.Escape(r.Detail)}");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[grey]kernel: the op's Forward and Backward on the device, by the paths its plan takes there, vs the float64 reference, max |error|; gradient: the reference backward vs central finite differences, max relative error.[/]");
        var verdict = failures == 0 ? "[green]all checks passed[/]" : $"[red]{failures} of {rows.Count} checks failed[/]";
        AnsiConsole.MarkupLine($"{verdict} in {seconds:0.0} s (seed {seed}; kernels: |gpu - ref| <= 1e-5 + 1e-4·|ref| unless noted, gradients: relative error <= {FiniteDifferences.MaxRelativeError:g1}).");
    }
}
