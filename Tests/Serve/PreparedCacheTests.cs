using IlgpuSiamese.Cli.Serve;

namespace IlgpuSiamese.Tests.Serve;

/// <summary>The server's prepared uploads, found by their bytes: least recently used out, failures never kept.</summary>
public class PreparedCacheTests
{
    private static readonly byte[][] Uploads = [.. new[] { "0_10.png", "0_3.png", "1_2.png" }.Select(f => File.ReadAllBytes(ServeModel.Sample(f)))];

    private static PreparedImage Prepared(byte[] bytes) => ServeModel.Shared.Prepare(SiameseImage.FromBytes(bytes));

    [Test]
    public void TheLeastRecentlyUsedImageGoesFirst()
    {
        var cache = new PreparedCache(capacity: 2);
        var made = 0;
        PreparedImage Get(int upload) => cache.GetOrPrepare(Uploads[upload], () => { made++; return Prepared(Uploads[upload]); });

        var zero = Get(0);
        Get(1);
        Assert.That(Get(0), Is.SameAs(zero), "found: upload 0 is now the most recent");
        Get(2);
        Assert.That(made, Is.EqualTo(3));
        Get(0);
        Assert.That(made, Is.EqualTo(3), "upload 0 was kept");
        Get(1);
        Assert.That(made, Is.EqualTo(4), "upload 1, the least recently used, was dropped for upload 2");
        Assert.That(cache.Counters, Is.EqualTo((2L, 4L, 2)));
    }

    [Test]
    public void AFailureIsNotKept()
    {
        var cache = new PreparedCache(capacity: 4);
        Assert.Throws<InvalidOperationException>(() => cache.GetOrPrepare(Uploads[0], () => throw new InvalidOperationException()));
        var image = cache.GetOrPrepare(Uploads[0], () => Prepared(Uploads[0]));
        Assert.That(image.Pixels.ToArray(), Is.EqualTo(Prepared(Uploads[0]).Pixels.ToArray()));
        Assert.That(cache.Counters, Is.EqualTo((0L, 2L, 1)));
    }

    [Test]
    public void CapacityZeroKeepsNothing()
    {
        var cache = new PreparedCache(capacity: 0);
        var made = 0;
        for (var i = 0; i < 3; i++)
            cache.GetOrPrepare(Uploads[0], () => { made++; return Prepared(Uploads[0]); });
        Assert.That(made, Is.EqualTo(3));
        Assert.That(cache.Counters, Is.EqualTo((0L, 3L, 0)));
    }
}
