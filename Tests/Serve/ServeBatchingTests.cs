using System.Text.Json;
using IlgpuSiamese.Cli.Serve;

namespace IlgpuSiamese.Tests.Serve;

/// <summary>
/// Dynamic batching, the queue bound and the request timeout, made deterministic by holding the device at a gate:
/// what queues behind a held batch is known before the gate opens.
/// </summary>
public class ServeBatchingTests
{
    private static readonly (string, string)[] Pairs =
        [("0_10.png", "0_3.png"), ("1_2.png", "1_5.png"), ("4_4.png", "4_6.png"), ("9_7.png", "9_9.png"), ("2_1.png", "7_0.png"), ("5_8.png", "6_11.png")];

    private DeviceGate gate = null!;

    [SetUp]
    public void CloseGate() => gate = new DeviceGate();

    [TearDown]
    public void OpenGate() => gate.Dispose();

    private ServeHost Host(ServeSettings settings) => new(settings, gate.Batchers);

    private static Task<HttpResponseMessage> Compare(HttpClient client, (string First, string Second) pair) =>
        client.PostAsync("/compare", Multipart.Pair(pair.First, pair.Second));

    private static async Task<JsonElement> Health(HttpClient client) => await Multipart.Json(await client.GetAsync("/health"));

    /// <summary>Polls /health until <paramref name="depth"/> requests wait for the device.</summary>
    private static async Task WaitForQueue(HttpClient client, int depth)
    {
        for (var poll = 0; poll < 3000; poll++)
        {
            if ((await Health(client)).GetProperty("queueDepth").GetInt32() == depth)
                return;
            await Task.Delay(20);
        }
        Assert.Fail($"the queue never reached {depth} requests");
    }

    [Test]
    public async Task ConcurrentRequestsRunAsOneBatchAndGiveWhatSingleRequestsGive()
    {
        using var host = Host(ServeSettings.Default);
        using var client = host.CreateClient();
        var held = Compare(client, Pairs[0]);
        gate.WaitForBatch();

        var together = Pairs.Select(p => Compare(client, p)).ToList();
        await WaitForQueue(client, Pairs.Length);
        gate.Open();
        await Multipart.Json(await held);
        var batched = new List<float>();
        foreach (var response in together)
            batched.Add((await Multipart.Json(await response)).GetProperty("similarity").GetSingle());

        Assert.That(gate.BatchSizes, Is.EqualTo(new[] { 1, Pairs.Length }));
        var health = await Health(client);
        Assert.That(health.GetProperty("batches").GetInt64(), Is.EqualTo(2));
        Assert.That(health.GetProperty("pairs").GetInt64(), Is.EqualTo(1 + Pairs.Length));
        Assert.That(health.GetProperty("largestBatch").GetInt64(), Is.EqualTo(Pairs.Length));
        Assert.That(health.GetProperty("meanBatchSize").GetDouble(), Is.EqualTo((1 + Pairs.Length) / 2.0));
        var singles = new List<float>();
        foreach (var pair in Pairs)
            singles.Add((await Multipart.Json(await Compare(client, pair))).GetProperty("similarity").GetSingle());
        Assert.That(gate.BatchSizes.Skip(2), Is.All.EqualTo(1));
        Assert.That(batched, Is.EqualTo(singles));
    }

    [Test]
    public async Task ABatchTakesAtMostMaxBatchPairs()
    {
        using var host = Host(ServeSettings.Default with { MaxBatch = 4 });
        using var client = host.CreateClient();
        var held = Compare(client, Pairs[0]);
        gate.WaitForBatch();

        var together = Pairs.Select(p => Compare(client, p)).ToList();
        await WaitForQueue(client, Pairs.Length);
        gate.Open();
        foreach (var response in together.Prepend(held))
            await Multipart.Json(await response);

        Assert.That(gate.BatchSizes, Is.EqualTo(new[] { 1, 4, Pairs.Length - 4 }));
    }

    [Test]
    public async Task AnEmbedOfMoreImagesThanABatchRunsAloneInOneCall()
    {
        gate.Open();
        using var host = Host(ServeSettings.Default with { MaxBatch = 2 });
        using var client = host.CreateClient();
        var files = new[] { "0_10.png", "1_2.png", "2_1.png" };

        var json = await Multipart.Json(await client.PostAsync("/embed", Multipart.Form([.. files.Select(f => ("images", f, File.ReadAllBytes(ServeModel.Sample(f))))])));

        Assert.That(json.GetProperty("embeddings").GetArrayLength(), Is.EqualTo(3));
        var health = await Health(client);
        Assert.That((health.GetProperty("embedBatches").GetInt64(), health.GetProperty("embeddedImages").GetInt64()), Is.EqualTo((1L, 3L)));
    }

    [Test]
    public async Task AFullQueueIs503WithRetryAfterAndTheQueuedRequestsStillRun()
    {
        using var host = Host(ServeSettings.Default with { MaxBatch = 1, QueueLimit = 1 });
        using var client = host.CreateClient();
        var held = Compare(client, Pairs[0]);
        gate.WaitForBatch();
        var queued = Compare(client, Pairs[1]);
        await WaitForQueue(client, 1);

        var refused = await Compare(client, Pairs[2]);

        Assert.That(await Multipart.Error(refused, 503), Does.Contain("--queue-limit"));
        Assert.That(refused.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        gate.Open();
        await Multipart.Json(await held);
        await Multipart.Json(await queued);
    }

    [Test]
    public async Task ARequestOverTheTimeoutIs504AndItsPairIsNotRun()
    {
        using var host = Host(ServeSettings.Default with { MaxBatch = 1, RequestTimeout = TimeSpan.FromSeconds(2) });
        using var client = host.CreateClient();
        var held = Compare(client, Pairs[0]);
        gate.WaitForBatch();

        var late = await Compare(client, Pairs[1]);

        Assert.That(await Multipart.Error(late, 504), Is.EqualTo("the request took longer than 2 s (--request-timeout-s)"));
        Assert.That((await Health(client)).GetProperty("queueDepth").GetInt32(), Is.EqualTo(1), "given up, it waits in the queue until the device reaches it");
        gate.Open();
        Assert.That(await Multipart.Error(await held, 504), Does.Contain("--request-timeout-s"));
        await Multipart.Json(await Compare(client, Pairs[2]));
        Assert.That(gate.BatchSizes, Is.EqualTo(new[] { 1, 1 }), "the late pair was skipped, not run");
    }
}
