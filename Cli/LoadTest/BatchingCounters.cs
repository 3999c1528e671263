using System.Text.Json;

namespace IlgpuSiamese.Cli.LoadTest;

/// <summary>The server's batching counters from <c>GET /health</c>: device batches run and pairs compared in them, since it started.</summary>
public readonly record struct BatchingCounters(long Batches, long Pairs)
{
    /// <summary>Pairs per batch between <paramref name="before"/> and this reading; NaN when no batch ran.</summary>
    public double MeanBatchSince(BatchingCounters before) =>
        Batches > before.Batches ? (double)(Pairs - before.Pairs) / (Batches - before.Batches) : double.NaN;

    public static async Task<BatchingCounters> Read(HttpClient http, Uri address)
    {
        var body = await http.GetStringAsync(new Uri(address, "health"));
        var health = JsonDocument.Parse(body).RootElement;
        return new BatchingCounters(Find(health, "batches") ?? Missing("batches", body), Find(health, "pairs") ?? Missing("pairs", body));
    }

    /// <summary>The first number named <paramref name="name"/> in the document, at any depth (the counters may sit in a group of their own).</summary>
    private static long? Find(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
            return null;
        foreach (var property in element.EnumerateObject())
        {
            if (property.NameEquals(name) && property.Value.ValueKind == JsonValueKind.Number)
                return property.Value.GetInt64();
            if (Find(property.Value, name) is { } inner)
                return inner;
        }
        return null;
    }

    private static long Missing(string name, string body) =>
        throw new InvalidOperationException($"GET /health has no \"{name}\" counter: {body}");
}
