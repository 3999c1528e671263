using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace IlgpuSiamese.Cli.Serve;

/// <summary>The handlers of <c>siamese serve</c>'s endpoints; errors are thrown as <see cref="HttpError"/> and written by <see cref="ServeApp"/>.</summary>
public static class ServeEndpoints
{
    private static readonly JsonSerializerOptions Json = new(ErrorJson.Options);

    /// <summary>POST /compare: file parts <c>first</c> and <c>second</c>; their similarity, the decision and the pair as prepared.</summary>
    public static async Task Compare(HttpContext http)
    {
        var (model, settings, batchers) = Services(http);
        var cache = http.RequestServices.GetRequiredService<PreparedCache>();
        var clock = Stopwatch.StartNew();
        PreparedImage first, second;
        Task<Comparison[]> queued;
        using (batchers.Pairs.Arrive())
        {
            var form = await Uploads.ReadForm(http.Request, settings, http.RequestAborted);
            const string expected = "POST two images as the file parts 'first' and 'second'";
            var (firstFile, secondFile) = (Uploads.Files(form, "first", expected)[0], Uploads.Files(form, "second", expected)[0]);
            (first, second) = (Uploads.Prepare(model, cache, firstFile), Uploads.Prepare(model, cache, secondFile));
            queued = Queue(batchers.Pairs, [(first, second)], settings, http.RequestAborted);
        }
        var comparison = (await queued)[0];
        await http.Response.WriteAsJsonAsync(new
        {
            similarity = comparison.Similarity,
            similarityText = comparison.Similarity.ToString("0.0000", CultureInfo.InvariantCulture),
            same = comparison.Same,
            threshold = comparison.Threshold,
            model = ModelName(model),
            device = model.DeviceName,
            milliseconds = clock.Elapsed.TotalMilliseconds,
            prepared = new { first = DataUrl(first), second = DataUrl(second) },
        }, Json);
    }

    /// <summary>POST /embed: one or more file parts <c>images</c>; each one's embedding.</summary>
    public static async Task Embed(HttpContext http)
    {
        var (model, settings, batchers) = Services(http);
        var cache = http.RequestServices.GetRequiredService<PreparedCache>();
        var clock = Stopwatch.StartNew();
        IReadOnlyList<IFormFile> files;
        Task<float[][]> queued;
        using (batchers.Images.Arrive())
        {
            var form = await Uploads.ReadForm(http.Request, settings, http.RequestAborted);
            files = Uploads.Files(form, "images", "POST one or more images as file parts named 'images'");
            queued = Queue(batchers.Images, files.Select(f => Uploads.Prepare(model, cache, f)).ToList(), settings, http.RequestAborted);
        }
        var embeddings = await queued;
        await http.Response.WriteAsJsonAsync(new
        {
            model = ModelName(model),
            embeddingSize = model.EmbeddingSize,
            embeddings = files.Select((file, i) => new { name = Uploads.NameOf(file), embedding = embeddings[i] }),
            milliseconds = clock.Elapsed.TotalMilliseconds,
        }, Json);
    }

    /// <summary>GET /model: what is loaded, on which device, its threshold and input.</summary>
    public static Task Model(HttpContext http) => http.Response.WriteAsJsonAsync(ModelInfo(Services(http).Model), Json);

    /// <summary>GET /health: the model, the queue and what batching has done so far.</summary>
    public static Task Health(HttpContext http)
    {
        var (model, settings, batchers) = Services(http);
        var (pairs, images) = (batchers.Pairs.Counters, batchers.Images.Counters);
        var health = new Dictionary<string, object?> { ["status"] = "ok" };
        foreach (var (key, value) in ModelInfo(model))
            health[key] = value;
        health["queueDepth"] = batchers.Pairs.Queued + batchers.Images.Queued;
        health["arriving"] = batchers.Pairs.Arriving + batchers.Images.Arriving;
        health["queueLimit"] = settings.QueueLimit;
        health["maxBatch"] = settings.MaxBatch;
        health["batchWaitMs"] = settings.BatchWait.TotalMilliseconds;
        health["batches"] = pairs.Batches;
        health["pairs"] = pairs.Inputs;
        health["meanBatchSize"] = pairs.MeanBatch;
        health["largestBatch"] = pairs.Largest;
        health["embedBatches"] = images.Batches;
        health["embeddedImages"] = images.Inputs;
        var prepared = http.RequestServices.GetRequiredService<PreparedCache>().Counters;
        health["preparedFound"] = prepared.Hits;
        health["preparedMade"] = prepared.Misses;
        health["preparedKept"] = prepared.Entries;
        return http.Response.WriteAsJsonAsync(health, Json);
    }

    private static Dictionary<string, object?> ModelInfo(SiameseModel model) => new()
    {
        ["model"] = ModelName(model),
        ["device"] = model.DeviceName,
        ["deviceKind"] = model.DeviceKind.ToString(),
        ["deviceAdvice"] = model.DeviceAdvice,
        ["threshold"] = model.Threshold,
        ["embeddingSize"] = model.EmbeddingSize,
        ["inputHeight"] = model.InputHeight,
        ["inputWidth"] = model.InputWidth,
        ["preparation"] = model.Preparation.ToString().ToLowerInvariant(),
    };

    /// <summary>The job queued on the batcher, its outputs to come: 503 with Retry-After when its queue is full.</summary>
    private static Task<TOutput[]> Queue<TInput, TOutput>(DeviceBatcher<TInput, TOutput> batcher, IReadOnlyList<TInput> inputs, ServeSettings settings, CancellationToken cancel) =>
        batcher.TryRun(inputs, cancel)
               ?? throw new HttpError(StatusCodes.Status503ServiceUnavailable, $"the server is busy: {settings.QueueLimit} requests are waiting for the device (--queue-limit); retry shortly", retryAfterSeconds: 1);

    /// <summary>The model's file name: a client learns which model answers, not where the server keeps its files.</summary>
    private static string ModelName(SiameseModel model) => Path.GetFileName(model.Name);

    /// <summary>
    /// Each prepared image's PNG data URL, made once per image: an upload found prepared again (<see cref="PreparedCache"/>)
    /// is the same object, and encoding two PNGs was about a tenth of a request's CPU.
    /// </summary>
    private static readonly ConditionalWeakTable<PreparedImage, string> DataUrls = [];

    private static string DataUrl(PreparedImage image) =>
        DataUrls.GetValue(image, prepared => "data:image/png;base64," + Convert.ToBase64String(prepared.ToPng()));

    private static (SiameseModel Model, ServeSettings Settings, Batchers Batchers) Services(HttpContext http) =>
        (http.RequestServices.GetRequiredService<SiameseModel>(), http.RequestServices.GetRequiredService<ServeSettings>(), http.RequestServices.GetRequiredService<Batchers>());
}
