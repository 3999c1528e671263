using System.Globalization;
using System.Text.Json;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace IlgpuSiamese.Tests.Serve;

/// <summary>Every endpoint of <c>siamese serve</c> answers what the library and the CLI say of the same images.</summary>
public class ServeEndpointTests
{
    private ServeHost host = null!;
    private HttpClient client = null!;

    [OneTimeSetUp]
    public void Start()
    {
        host = new ServeHost();
        client = host.CreateClient();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        client.Dispose();
        host.Dispose();
    }

    [Test]
    public async Task CompareGivesTheLibrarysAndTheClisSimilarity()
    {
        var json = await Multipart.Json(await client.PostAsync("/compare", Multipart.Pair("0_10.png", "0_3.png")));

        var model = ServeModel.Shared;
        var expected = model.Compare(SiameseImage.FromFile(ServeModel.Sample("0_10.png")), SiameseImage.FromFile(ServeModel.Sample("0_3.png")));
        Assert.That(json.GetProperty("similarity").GetSingle(), Is.EqualTo(expected.Similarity));
        Assert.That(json.GetProperty("same").GetBoolean(), Is.EqualTo(expected.Same));
        Assert.That(json.GetProperty("threshold").GetDouble(), Is.EqualTo(model.Threshold));
        Assert.That(json.GetProperty("model").GetString(), Is.EqualTo(Path.GetFileName(model.Name)), "the file name, not the server's path");
        Assert.That(json.GetProperty("device").GetString(), Is.EqualTo(model.DeviceName));
        Assert.That(json.GetProperty("milliseconds").GetDouble(), Is.GreaterThan(0));
        var cli = CliRunner.Run("compare", ServeModel.Sample("0_10.png"), ServeModel.Sample("0_3.png"), "--device", ServeModel.Device);
        Assert.That(cli.Code, Is.EqualTo(ExitCodes.Ok), cli.Error);
        var similarityText = json.GetProperty("similarityText").GetString();
        Assert.That(cli.Out, Does.StartWith($"Similarity: {similarityText}: {(expected.Same ? "same" : "different")}"));
        Assert.That(similarityText, Is.EqualTo(expected.Similarity.ToString("0.0000", CultureInfo.InvariantCulture)));
    }

    [Test]
    public async Task CompareShowsThePairAsPrepared()
    {
        var json = await Multipart.Json(await client.PostAsync("/compare", Multipart.Pair("4_4.png", "9_9.png")));

        foreach (var (part, file) in new[] { ("first", "4_4.png"), ("second", "9_9.png") })
        {
            var url = json.GetProperty("prepared").GetProperty(part).GetString()!;
            Assert.That(url, Does.StartWith("data:image/png;base64,"));
            using var shown = Image.Load<L8>(Convert.FromBase64String(url["data:image/png;base64,".Length..]));
            var prepared = ServeModel.Shared.Prepare(SiameseImage.FromFile(ServeModel.Sample(file)));
            var pixels = new byte[shown.Width * shown.Height];
            shown.CopyPixelDataTo(pixels);
            Assert.That((shown.Height, shown.Width), Is.EqualTo((prepared.Height, prepared.Width)));
            Assert.That(pixels, Is.EqualTo(prepared.Pixels.ToArray()), part);
        }
    }

    [Test]
    public async Task EmbedGivesEachImagesEmbeddingByItsName()
    {
        var files = new[] { "1_2.png", "7_0.png", "1_5.png" };
        var form = Multipart.Form([.. files.Select(f => ("images", f, File.ReadAllBytes(ServeModel.Sample(f))))]);

        var json = await Multipart.Json(await client.PostAsync("/embed", form));

        var model = ServeModel.Shared;
        var expected = model.Embed([.. files.Select(f => SiameseImage.FromFile(ServeModel.Sample(f)))]);
        Assert.That(json.GetProperty("embeddingSize").GetInt32(), Is.EqualTo(model.EmbeddingSize));
        Assert.That(json.GetProperty("model").GetString(), Is.EqualTo(Path.GetFileName(model.Name)), "the file name, not the server's path");
        var embeddings = json.GetProperty("embeddings").EnumerateArray().ToList();
        Assert.That(embeddings.Select(e => e.GetProperty("name").GetString()), Is.EqualTo(files));
        for (var i = 0; i < files.Length; i++)
            Assert.That(embeddings[i].GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()), Is.EqualTo(expected[i]), files[i]);
    }

    [TestCase("/model")]
    [TestCase("/health")]
    public async Task ModelAndHealthSayWhatIsLoadedAndWhere(string path)
    {
        var json = await Multipart.Json(await client.GetAsync(path));

        var model = ServeModel.Shared;
        Assert.That(json.GetProperty("model").GetString(), Is.EqualTo(Path.GetFileName(model.Name)), "the file name, not the server's path");
        Assert.That(json.GetProperty("device").GetString(), Is.EqualTo(model.DeviceName));
        Assert.That(json.GetProperty("deviceKind").GetString(), Is.EqualTo(model.DeviceKind.ToString()));
        Assert.That(json.GetProperty("threshold").GetDouble(), Is.EqualTo(model.Threshold));
        Assert.That(json.GetProperty("embeddingSize").GetInt32(), Is.EqualTo(model.EmbeddingSize));
        Assert.That((json.GetProperty("inputHeight").GetInt32(), json.GetProperty("inputWidth").GetInt32()), Is.EqualTo((28, 28)));
        Assert.That(json.GetProperty("preparation").GetString(), Is.EqualTo("mnist"));
        if (path == "/health")
        {
            Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("ok"));
            Assert.That(json.GetProperty("queueDepth").GetInt32(), Is.Zero);
            Assert.That(json.GetProperty("queueLimit").GetInt32(), Is.EqualTo(host.Settings.QueueLimit));
            foreach (var counter in new[] { "batches", "pairs", "meanBatchSize", "largestBatch", "embedBatches", "embeddedImages", "preparedFound", "preparedMade", "preparedKept" })
                Assert.That(json.GetProperty(counter).ValueKind, Is.EqualTo(JsonValueKind.Number), counter);
        }
    }

    [Test]
    public async Task AnImageSentAgainIsFoundPreparedAndGivesTheSameAnswer()
    {
        async Task<(JsonElement Compare, long Found, long Made)> Send()
        {
            var compare = await Multipart.Json(await client.PostAsync("/compare", Multipart.Pair("5_8.png", "6_11.png")));
            var health = await Multipart.Json(await client.GetAsync("/health"));
            return (compare, health.GetProperty("preparedFound").GetInt64(), health.GetProperty("preparedMade").GetInt64());
        }

        var first = await Send();
        var again = await Send();

        Assert.That(again.Found - first.Found, Is.EqualTo(2), "both images found by their bytes");
        Assert.That(again.Made, Is.EqualTo(first.Made), "and not prepared again");
        Assert.That(again.Compare.GetProperty("similarity").GetSingle(), Is.EqualTo(first.Compare.GetProperty("similarity").GetSingle()));
        Assert.That(again.Compare.GetProperty("prepared").GetProperty("first").GetString(), Is.EqualTo(first.Compare.GetProperty("prepared").GetProperty("first").GetString()));
    }

    [Test]
    public async Task ThePageIsOneSelfContainedFileWithTheIdsItsTestsUse()
    {
        var response = await client.GetAsync("/");
        var html = await response.Content.ReadAsStringAsync();

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/html; charset=utf-8"));
        Assert.That(html, Does.Contain("<input type=\"file\" id=\"first\"").And.Contain("<input type=\"file\" id=\"second\""));
        foreach (var id in new[] { "<img id=\"first-prepared\"", "<img id=\"second-prepared\"", "<span id=\"similarity\"", "<span id=\"decision\"", "id=\"error\"" })
            Assert.That(html, Does.Contain(id));
        Assert.That(html, Does.Contain("image-rendering: pixelated").And.Contain("dataset.state"));
        Assert.That(html, Does.Not.Match("(src|href)=\"(https?:)?//"), "nothing is loaded from another server");
        Assert.That(html, Does.Not.Contain("<script src").And.Not.Contain("<link"), "the script and the style are inline");
    }
}
