using IlgpuSiamese.Cli.Serve;

namespace IlgpuSiamese.Tests.Serve;

/// <summary>
/// How long the batcher waits for company: only while another request is on its way (begun, not yet queued), and never
/// past the batch wait. The device call here records its batch sizes and doubles its inputs.
/// </summary>
public class DeviceBatcherTests
{
    private readonly List<int> batchSizes = [];

    [SetUp]
    public void Forget() => batchSizes.Clear();

    private DeviceBatcher<int, int> Batcher(TimeSpan wait) => new(inputs =>
    {
        lock (batchSizes)
            batchSizes.Add(inputs.Count);
        return inputs.Select(i => 2 * i).ToArray();
    }, ServeSettings.Default with { MaxBatch = 2, BatchWait = wait }, "test");

    private int[] BatchSizes()
    {
        lock (batchSizes)
            return [.. batchSizes];
    }

    [Test]
    public async Task AJobWithNoOtherOnItsWayGoesAtOnce()
    {
        using var batcher = Batcher(TimeSpan.FromSeconds(30));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.That(await batcher.TryRun([21], CancellationToken.None)!, Is.EqualTo(new[] { 42 }));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)), "it waited for company that could not come");
        Assert.That(BatchSizes(), Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public async Task TheFirstJobWaitsForOneOnItsWayToJoinItsBatch()
    {
        using var batcher = Batcher(TimeSpan.FromSeconds(30));
        var onItsWay = batcher.Arrive();
        Assert.That(batcher.Arriving, Is.EqualTo(1));
        var first = batcher.TryRun([1], CancellationToken.None)!;
        // By then the consumer holds the first and waits; were it slower, the two would still share a batch: this
        // cannot fail by timing, only miss a wait that is not kept.
        await Task.Delay(500);
        Assert.That(first.IsCompleted, Is.False, "the first went without the job on its way");
        var second = batcher.TryRun([2], CancellationToken.None)!;
        onItsWay.Dispose();
        Assert.That((await first, await second), Is.EqualTo((new[] { 2 }, new[] { 4 })));
        Assert.That(BatchSizes(), Is.EqualTo(new[] { 2 }));
        Assert.That(batcher.Arriving, Is.Zero);
    }

    [Test]
    public async Task ItWaitsNoLongerThanTheBatchWaitForOneOnItsWay()
    {
        using var batcher = Batcher(TimeSpan.FromMilliseconds(50));
        using (batcher.Arrive())
        {
            Assert.That(await batcher.TryRun([1], CancellationToken.None)!, Is.EqualTo(new[] { 2 }));
            Assert.That(BatchSizes(), Is.EqualTo(new[] { 1 }), "it went alone after the wait");
        }
    }
}
