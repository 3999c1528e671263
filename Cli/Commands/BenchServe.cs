using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using IlgpuSiamese.Cli.LoadTest;
using IlgpuSiamese.Measuring;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training;
using Spectre.Console;

namespace IlgpuSiamese.Cli.Commands;

/// <summary>
/// <c>siamese bench serve</c>: a bounded load test of <c>siamese serve</c> on loopback. The server runs as a child
/// process of this same build; the same list of compare requests is sent from each number of concurrent clients in
/// turn, and each answer is checked against the model's own similarity in this process, whose pairs/s (the pairs as
/// one batch, each image prepared once, as <c>compare --pairs</c> does) is the yardstick of the server's. Progress goes to stderr.
/// </summary>
public static class BenchServe
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];
    private const string SamplesFolder = "samples";
    private const int InProcessRepetitions = 3;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5), StopTimeout = TimeSpan.FromSeconds(60);

    private sealed record Settings(string Model, string Device, int Requests, IReadOnlyList<int> Clients, int Warmup, string Folder, int Seed,
        IReadOnlyList<string> ServeArguments);

    private sealed record Row(LoadResult Load, double MeanBatch, double? VersusInProcess, long ResidentBytes);

    private sealed record Report(Settings Settings, int Images, InProcessRates InProcess, IReadOnlyList<Row> Rows,
        long ResidentAfterWarmup, long ResidentAtEnd, int? ExitCodeAfterSigterm)
    {
        public double MemoryChangePercent => 100.0 * (ResidentAtEnd - ResidentAfterWarmup) / ResidentAfterWarmup;

        /// <summary>One warm request on its own: the median latency with a single client, when 1 is among the client counts.</summary>
        public double? SingleRequestP50 => Rows.FirstOrDefault(r => r.Load.Clients == 1)?.Load.P50Milliseconds;
    }

    public static Command Create()
    {
        var model = ModelOption.Create();
        var device = CommonOptions.Device();
        var requests = new Option<int>("--requests")
        {
            Description = "Compare requests sent from each client count.",
            DefaultValueFactory = _ => 10_000,
        }.Within(1, 1_000_000);
        var clients = new Option<string>("--clients")
        {
            Description = "Comma-separated counts of concurrent clients, run one after the other.",
            DefaultValueFactory = _ => "1,8,32",
        };
        var warmup = new Option<int>("--warmup")
        {
            Description = "Untimed requests first, from the largest client count, enough for .NET's tiered JIT to settle in both processes: the server's memory is read after them.",
            DefaultValueFactory = _ => 3000,
        }.Within(1, 1_000_000);
        var dir = new Option<string?>("--dir")
        {
            Description = $"The images the pairs are drawn from, read once into memory (default: this checkout's {SamplesFolder}/).",
        };
        var seed = CommonOptions.Seed();
        seed.Description = "The seed of the random pairs.";
        var maxBatch = new Option<int?>("--max-batch") { Description = "Passed to siamese serve (default: its own)." };
        var batchWait = new Option<int?>("--batch-wait-ms") { Description = "Passed to siamese serve (default: its own)." };
        var queueLimit = new Option<int?>("--queue-limit") { Description = "Passed to siamese serve (default: its own)." };
        var preparedImages = new Option<int?>("--prepared-images") { Description = "Passed to siamese serve (default: its own); 0 makes the server prepare every upload anew." };
        var json = CommonOptions.Json();
        var command = new Command("serve",
            "Load-test siamese serve on loopback: the server in a child process, compare requests from 1, 8 and 32 concurrent clients; " +
            "errors, p50/p99 latency, pairs/s against the same pairs in process, the server's mean batch and its memory after warm-up and at the end.")
        {
            model, device, requests, clients, warmup, dir, seed, maxBatch, batchWait, queueLimit, preparedImages, json,
        };
        command.SetAction(parse =>
        {
            var modelPath = ModelOption.Resolve(parse.GetValue(model));
            var deviceName = parse.GetValue(device)!;
            List<string> serve = ["--model", modelPath, "--device", deviceName];
            foreach (var (option, value) in new[] { (maxBatch, parse.GetValue(maxBatch)), (batchWait, parse.GetValue(batchWait)), (queueLimit, parse.GetValue(queueLimit)), (preparedImages, parse.GetValue(preparedImages)) })
            {
                if (value is { } given)
                    serve.AddRange([option.Name, given.ToString()]);
            }
            var settings = new Settings(modelPath, deviceName, parse.GetValue(requests), ClientCounts(parse.GetValue(clients)!), parse.GetValue(warmup),
                parse.GetValue(dir) ?? Samples(), parse.GetValue(seed), serve);
            var report = Run(settings).GetAwaiter().GetResult();
            if (parse.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(ToJson(report), JsonOutput.Options));
            else
                Print(report);
            if (report.ExitCodeAfterSigterm == ExitCodes.Ok)
                return ExitCodes.Ok;
            Console.Error.WriteLine(report.ExitCodeAfterSigterm is { } code
                ? $"error: siamese serve exited with {code} after SIGTERM, not 0"
                : $"error: siamese serve was still running {StopTimeout.TotalSeconds:0} s after SIGTERM; it was killed");
            return ExitCodes.BadInput;
        });
        return command;
    }

    private static async Task<Report> Run(Settings settings)
    {
        var stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        // Redirected, stderr is 80 columns to Spectre, which would fold the progress lines mid-word.
        if (Console.IsErrorRedirected)
            stderr.Profile.Width = 200;
        void Log(string message) => stderr.MarkupLine($"[grey]{Markup.Escape(message)}[/]");

        var files = Directory.EnumerateFiles(settings.Folder, "*", SearchOption.AllDirectories)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
            throw new UserInputException($"{settings.Folder}: no images (PNG, JPEG, BMP, GIF or WebP) to draw pairs from");
        var images = files.Select(File.ReadAllBytes).ToList();
        var random = new Random(settings.Seed);
        var indices = Enumerable.Range(0, settings.Requests).Select(_ => (random.Next(files.Count), random.Next(files.Count))).ToList();

        Log($"In process: {settings.Requests:N0} pairs of {files.Count} images from {settings.Folder} as one batch, {InProcessRepetitions} times each way, on {settings.Device}");
        var inProcess = InProcess(settings, files, images, indices);
        var pairs = indices.Select((p, i) => new RequestPair(Path.GetFileName(files[p.Item1]), images[p.Item1], Path.GetFileName(files[p.Item2]), images[p.Item2], inProcess.Similarities[i]))
            .ToList();

        Log($"Starting siamese serve {string.Join(' ', settings.ServeArguments)}");
        using var server = ServerProcess.Start(settings.ServeArguments, StartTimeout);
        var largest = settings.Clients.Max();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = largest, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseProxy = false })
        {
            Timeout = TimeSpan.FromMinutes(2),
        };
        Log($"Listening on {server.Address}; warm-up: {settings.Warmup:N0} requests from {Clients(largest)}");
        var warm = await LoadRun.Run(http, server.Address, pairs.Take(settings.Warmup).ToList(), largest);
        if (warm.Errors > 0)
            throw new UserInputException($"siamese serve failed {warm.Errors} of {warm.Requests} warm-up requests: {string.Join("; ", warm.FirstErrors)}{server.ErrorTail()}");
        var residentAfterWarmup = server.ResidentBytes();

        var rows = new List<Row>();
        foreach (var clients in settings.Clients)
        {
            Log($"{settings.Requests:N0} requests from {Clients(clients)}");
            var before = await BatchingCounters.Read(http, server.Address);
            var load = await LoadRun.Run(http, server.Address, pairs, clients);
            var after = await BatchingCounters.Read(http, server.Address);
            rows.Add(new Row(load, after.MeanBatchSince(before), BenchmarkStatistics.Ratio(load.PairsPerSecond, inProcess.PreparedOnce), server.ResidentBytes()));
        }
        var residentAtEnd = rows[^1].ResidentBytes;
        Log("SIGTERM to the server");
        var exitCode = server.Terminate(StopTimeout);
        return new Report(settings, files.Count, inProcess, rows, residentAfterWarmup, residentAtEnd, exitCode);
    }

    /// <summary>The facade's pairs/s in this process over the request list (medians of a few runs), and its similarity for every pair.</summary>
    /// <param name="PreparedOnce">Each distinct image prepared once, then all pairs as one batch, as <c>compare --pairs</c> does: the yardstick.</param>
    /// <param name="DecodedPerPair">Both images of every pair decoded and prepared on this one thread, as the server must for each request, then one batch.</param>
    private sealed record InProcessRates(float[] Similarities, double PreparedOnce, double DecodedPerPair);

    private static InProcessRates InProcess(Settings settings, List<string> files, List<byte[]> images, List<(int First, int Second)> indices)
    {
        using var model = SiameseModel.Load(settings.Model, settings.Device);
        Comparison[] PreparedOnce(IEnumerable<(int First, int Second)> pairs)
        {
            var prepared = images.Select((bytes, i) => model.Prepare(SiameseImage.FromBytes(bytes, files[i]))).ToList();
            return model.Compare(pairs.Select(p => (prepared[p.First], prepared[p.Second])).ToList());
        }
        Comparison[] DecodedPerPair(IEnumerable<(int First, int Second)> pairs) =>
            model.Compare(pairs.Select(p => (SiameseImage.FromBytes(images[p.First], files[p.First]), SiameseImage.FromBytes(images[p.Second], files[p.Second]))).ToList());
        (Comparison[] Last, double Rate) Time(Func<IEnumerable<(int, int)>, Comparison[]> compare)
        {
            compare(indices.Take(Math.Min(indices.Count, 256)));
            var rates = new List<double>();
            Comparison[] compared = [];
            for (var r = 0; r < InProcessRepetitions; r++)
            {
                var clock = Stopwatch.StartNew();
                compared = compare(indices);
                rates.Add(indices.Count / clock.Elapsed.TotalSeconds);
            }
            return (compared, BenchmarkStatistics.Median(rates));
        }
        var (similarities, preparedOnce) = Time(PreparedOnce);
        var (_, decodedPerPair) = Time(DecodedPerPair);
        return new InProcessRates(similarities.Select(c => c.Similarity).ToArray(), preparedOnce, decodedPerPair);
    }

    private static string Clients(int count) => count == 1 ? "1 client" : $"{count} clients";

    private static IReadOnlyList<int> ClientCounts(string option)
    {
        var counts = option.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(c => int.TryParse(c, out var n) && n is >= 1 and <= 1024 ? n : throw new UsageException($"--clients {option}: each count is a whole number from 1 to 1024"))
            .ToList();
        return counts.Count > 0 ? counts : throw new UsageException("--clients: give at least one count, e.g. 1,8,32");
    }

    /// <summary>This checkout's samples/ folder, found above the binaries as the bundled model is.</summary>
    private static string Samples()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, SamplesFolder);
            if (Directory.Exists(candidate) && File.Exists(Path.Combine(folder.FullName, ModelOption.BundledModel)))
                return candidate;
        }
        throw new UserInputException($"no --dir given and this checkout's {SamplesFolder}/ was not found");
    }

    private static void Print(Report report)
    {
        if (Console.IsOutputRedirected && AnsiConsole.Profile.Width < 110)
            AnsiConsole.Profile.Width = 110;
        var s = report.Settings;
        AnsiConsole.MarkupLine(Markup.Escape($"siamese serve on {s.Device}, model {Path.GetFileName(s.Model)}: {s.Requests:N0} compare requests per client count, " +
                                             $"pairs drawn from {report.Images} images in {s.Folder} (seed {s.Seed}), after {s.Warmup:N0} warm-up requests."));
        var table = new Table().AddColumns("clients", "requests", "errors", "p50 ms", "p99 ms", "pairs/s", "vs in process", "mean batch", "server memory");
        foreach (var column in table.Columns)
            column.RightAligned();
        foreach (var row in report.Rows)
        {
            var load = row.Load;
            table.AddRow($"{load.Clients}", $"{load.Requests:N0}", load.Errors == 0 ? "0" : $"[red]{load.Errors:N0}[/]", $"{load.P50Milliseconds:0.0}",
                $"{load.P99Milliseconds:0.0}", $"{load.PairsPerSecond:N0}", row.VersusInProcess is { } ratio ? $"{ratio:0.00}x" : "-",
                double.IsNaN(row.MeanBatch) ? "-" : $"{row.MeanBatch:0.0}", Mib(row.ResidentBytes));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"In process, SiameseModel.Compare over the {s.Requests:N0} pairs as one batch (medians of {InProcessRepetitions}): {report.InProcess.PreparedOnce:N0} pairs/s " +
                               $"with each image prepared once, as compare --pairs does (the \"vs in process\" yardstick); {report.InProcess.DecodedPerPair:N0} pairs/s with both images of every pair decoded and prepared, on one thread, as the server does per request.");
        if (report.SingleRequestP50 is { } single)
            AnsiConsole.MarkupLine($"One warm request at a time (1 client): p50 {single:0.0} ms.");
        AnsiConsole.MarkupLine($"Server memory (VmRSS): {Mib(report.ResidentAfterWarmup)} after warm-up, {Mib(report.ResidentAtEnd)} at the end ({report.MemoryChangePercent:+0.0;-0.0;0.0}%).");
        AnsiConsole.MarkupLine(report.ExitCodeAfterSigterm == ExitCodes.Ok ? "Server stopped by SIGTERM: exit code 0." : "[red]Server did not exit with 0 after SIGTERM.[/]");
        foreach (var row in report.Rows.Where(r => r.Load.Errors > 0))
            AnsiConsole.MarkupLine($"[red]{row.Load.Clients} clients, first errors:[/] {Markup.Escape(string.Join("; ", row.Load.FirstErrors))}");
    }

    private static object ToJson(Report report) => new
    {
        units = new { latency = "ms", throughput = "pairs/s", memory = "bytes" },
        settings = new
        {
            model = report.Settings.Model, device = report.Settings.Device, requests = report.Settings.Requests, clients = report.Settings.Clients,
            warmup = report.Settings.Warmup, dir = report.Settings.Folder, images = report.Images, seed = report.Settings.Seed,
            serveArguments = report.Settings.ServeArguments, processorCount = Environment.ProcessorCount,
        },
        inProcess = new { preparedOnce = Math.Round(report.InProcess.PreparedOnce, 3), decodedPerPair = Math.Round(report.InProcess.DecodedPerPair, 3) },
        rows = report.Rows.Select(r => new
        {
            clients = r.Load.Clients, requests = r.Load.Requests, errors = r.Load.Errors, firstErrors = r.Load.FirstErrors,
            p50 = Round(r.Load.P50Milliseconds, 3), p99 = Round(r.Load.P99Milliseconds, 3), pairsPerSecond = Math.Round(r.Load.PairsPerSecond, 3),
            seconds = Math.Round(r.Load.Seconds, 3), versusInProcess = r.VersusInProcess is { } x ? Math.Round(x, 5) : (double?)null,
            meanBatch = Round(r.MeanBatch, 2), residentBytes = r.ResidentBytes,
        }),
        singleRequestP50 = report.SingleRequestP50 is { } p ? Round(p, 3) : null,
        memory = new { afterWarmupBytes = report.ResidentAfterWarmup, atEndBytes = report.ResidentAtEnd, changePercent = Math.Round(report.MemoryChangePercent, 2) },
        exitCodeAfterSigterm = report.ExitCodeAfterSigterm,
    };

    private static double? Round(double value, int digits) => double.IsNaN(value) ? null : Math.Round(value, digits);

    private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024):N1} MiB";
}
