using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using IlgpuSiamese.Measuring;

namespace IlgpuSiamese.Cli.LoadTest;

/// <summary>Two encoded images sent as one compare request, and the similarity the model gives them in process.</summary>
public sealed record RequestPair(string FirstName, byte[] First, string SecondName, byte[] Second, float Expected);

/// <summary>What one client count measured: latencies of the answered requests, and the first few errors in words.</summary>
public sealed record LoadResult(int Clients, int Requests, int Errors, IReadOnlyList<string> FirstErrors, double P50Milliseconds,
    double P99Milliseconds, double PairsPerSecond, double Seconds);

/// <summary>
/// <c>POST /compare</c> for every pair of a list, from a number of concurrent clients that each send their next request
/// as soon as the last one is answered. An error is a failed request, a status other than 200, or a similarity that
/// differs from the model's own in process by more than <see cref="Tolerance"/> (batching must not change an answer).
/// </summary>
public static class LoadRun
{
    public const double Tolerance = 1e-4;
    private const int KeptErrors = 5;

    public static async Task<LoadResult> Run(HttpClient http, Uri address, IReadOnlyList<RequestPair> pairs, int clients)
    {
        var latencies = new double[pairs.Count];
        var failed = new bool[pairs.Count];
        var errors = new List<string>();
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < pairs.Count; i = Interlocked.Increment(ref next))
            {
                var start = Stopwatch.GetTimestamp();
                var error = await Compare(http, address, pairs[i]);
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (error is null)
                    continue;
                failed[i] = true;
                lock (errors)
                    errors.Add(error);
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        var answered = latencies.Where((_, i) => !failed[i]).Order().ToArray();
        return new LoadResult(clients, pairs.Count, errors.Count, errors.Take(KeptErrors).ToList(), BenchmarkStatistics.Percentile(answered, 0.50),
            BenchmarkStatistics.Percentile(answered, 0.99), answered.Length / seconds, seconds);
    }

    /// <summary>Null when the server answered 200 with the expected similarity, else what went wrong.</summary>
    private static async Task<string?> Compare(HttpClient http, Uri address, RequestPair pair)
    {
        try
        {
            using var form = new MultipartFormDataContent { { Part(pair.First, pair.FirstName), "first", pair.FirstName }, { Part(pair.Second, pair.SecondName), "second", pair.SecondName } };
            using var response = await http.PostAsync(new Uri(address, "compare"), form);
            var body = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
                return $"{(int)response.StatusCode}: {body}";
            var similarity = JsonDocument.Parse(body).RootElement.GetProperty("similarity").GetDouble();
            return Math.Abs(similarity - pair.Expected) <= Tolerance
                ? null
                : $"{pair.FirstName} vs {pair.SecondName}: similarity {similarity:0.000000}, in process {pair.Expected:0.000000}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private static ByteArrayContent Part(byte[] image, string name)
    {
        var content = new ByteArrayContent(image);
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaType(name));
        return content;
    }

    /// <summary>What a browser would send for the file: the image type its extension names.</summary>
    public static string MediaType(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".bmp" => "image/bmp",
        ".gif" => "image/gif",
        ".webp" => "image/webp",
        _ => "application/octet-stream",
    };
}
