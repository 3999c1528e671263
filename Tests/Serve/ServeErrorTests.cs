using System.Net;
using System.Text;
using IlgpuSiamese.Cli.Serve;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Serve;

/// <summary>Every request the server refuses gets <c>{"error": ...}</c>, a message naming the cause, and its status.</summary>
public class ServeErrorTests
{
    private const long UploadLimit = 64 << 10;
    private ServeHost host = null!;
    private HttpClient client = null!;
    private TempFolder temp = null!;

    [OneTimeSetUp]
    public void Start()
    {
        host = new ServeHost(ServeSettings.Default with { MaxUploadBytes = UploadLimit });
        client = host.CreateClient();
        temp = new TempFolder();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        client.Dispose();
        host.Dispose();
        temp.Dispose();
    }

    private static byte[] Sample(string name) => File.ReadAllBytes(ServeModel.Sample(name));

    private Task<HttpResponseMessage> CompareWithFirst(string fileName, byte[] first) =>
        client.PostAsync("/compare", Multipart.Form(("first", fileName, first), ("second", "0_3.png", Sample("0_3.png"))));

    [Test]
    public async Task AnUploadOverTheLimitIs413()
    {
        var message = await Multipart.Error(await CompareWithFirst("big.png", new byte[UploadLimit]), 413);
        Assert.That(message, Does.Contain("0.06 MB (--max-upload-mb)"));
    }

    [Test]
    public async Task AnUploadOverTheLimitWithoutALengthIs413()
    {
        var form = Multipart.Form(("first", "big.png", new byte[UploadLimit]), ("second", "0_3.png", Sample("0_3.png")));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/compare") { Content = new UnknownLength(form) };

        var message = await Multipart.Error(await client.SendAsync(request), 413);
        Assert.That(message, Does.Contain("--max-upload-mb"));
    }

    [Test]
    public async Task AnImageOverTheMegapixelLimitIs413()
    {
        var message = await Multipart.Error(await CompareWithFirst("huge.bmp", TestImages.BmpHeader(10_000, 10_000)), 413);
        Assert.That(message, Does.StartWith("huge.bmp: 10000x10000 pixels is more than the 64 megapixels allowed"));
    }

    [Test]
    public async Task AFileThatIsNotAnImageIs415AndNamedByItsUploadName()
    {
        var message = await Multipart.Error(await CompareWithFirst("notes.png", "hello, not an image"u8.ToArray()), 415);
        Assert.That(message, Is.EqualTo("notes.png: not a PNG, JPEG, BMP, GIF or WebP image"));
    }

    [Test]
    public async Task AnImageWithoutInkIs422()
    {
        var blank = File.ReadAllBytes(TestImages.NoInk(temp.Path, "white"));
        var message = await Multipart.Error(await CompareWithFirst("white.png", blank), 422);
        Assert.That(message, Does.StartWith("white.png: no ink"));
    }

    [Test]
    public async Task AnUnreadableImageIs422()
    {
        var truncated = File.ReadAllBytes(TestImages.Bad(temp.Path, "truncated"));
        var message = await Multipart.Error(await CompareWithFirst("cut.png", truncated), 422);
        Assert.That(message, Does.StartWith("cut.png: unreadable image"));
    }

    [Test]
    public async Task AMissingPartIs400()
    {
        var compare = await client.PostAsync("/compare", Multipart.Form(("first", "0_10.png", Sample("0_10.png"))));
        Assert.That(await Multipart.Error(compare, 400), Does.StartWith("missing the file part 'second'"));
        var embed = await client.PostAsync("/embed", Multipart.Form(("image", "0_10.png", Sample("0_10.png"))));
        Assert.That(await Multipart.Error(embed, 400), Does.StartWith("missing the file part 'images'"));
    }

    [Test]
    public async Task ABodyThatIsNotMultipartIs415()
    {
        var response = await client.PostAsync("/compare", new StringContent("{\"first\": \"samples/0_10.png\"}", Encoding.UTF8, "application/json"));
        Assert.That(await Multipart.Error(response, 415), Does.Contain("multipart/form-data"));
    }

    [Test]
    public async Task APathInARequestIsNeverRead()
    {
        // A text field naming a server file is not a file part; a file part's name is a name, not a path to open.
        var form = Multipart.Form(("second", "0_3.png", Sample("0_3.png")));
        form.Add(new StringContent(ServeModel.Sample("0_10.png")), "first");
        Assert.That(await Multipart.Error(await client.PostAsync("/compare", form), 400), Does.StartWith("missing the file part 'first'"));

        var message = await Multipart.Error(await CompareWithFirst(ServeModel.Sample("0_10.png"), "not the sample"u8.ToArray()), 415);
        Assert.That(message, Is.EqualTo("0_10.png: not a PNG, JPEG, BMP, GIF or WebP image"));
    }

    [TestCase("GET", "/nowhere", 404)]
    [TestCase("GET", "/compare", 405)]
    [TestCase("DELETE", "/health", 405)]
    public async Task AnUnknownEndpointOrMethodIsJsonToo(string method, string path, int status)
    {
        var message = await Multipart.Error(await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)), status);
        Assert.That(message, Does.Contain(path));
    }

    /// <summary>Content sent chunked, with no Content-Length for the server to refuse it by.</summary>
    private sealed class UnknownLength : HttpContent
    {
        private readonly HttpContent inner;

        public UnknownLength(HttpContent inner)
        {
            this.inner = inner;
            Headers.ContentType = inner.Headers.ContentType;
        }

        protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancel) => inner.CopyTo(stream, context, cancel);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => inner.CopyToAsync(stream, context);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
