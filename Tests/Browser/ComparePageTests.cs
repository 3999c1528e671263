using System.Globalization;
using System.Text.Json;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Cli.LoadTest;
using IlgpuSiamese.Tests.Support;
using PuppeteerSharp;

namespace IlgpuSiamese.Tests.Browser;

/// <summary>
/// The page of <c>siamese serve</c> in real headless Chromium: the server in its own process on OpenCL (PoCL), two
/// images put into the page's file inputs as a person picking them would, and what the page shows. The first test
/// leaves a screenshot, serve-page.png, in the test's work folder (scripts/serve-page-screenshot.sh copies it to docs/).
/// </summary>
public class ComparePageTests
{
    public const string ScreenshotName = "serve-page.png";
    private const string OpenCl = "opencl:0";

    private TempFolder temp = null!;
    private ServerProcess server = null!;
    private IBrowser browser = null!;

    [OneTimeSetUp]
    public async Task StartServerAndBrowser()
    {
        Chromium.Require();
        RequireOpenCl();
        temp = new TempFolder();
        server = ServerProcess.Start(["--device", "opencl"], TimeSpan.FromMinutes(5));
        browser = await Chromium.Launch(temp["profile"]);
    }

    [OneTimeTearDown]
    public async Task StopBrowserAndServer()
    {
        if (browser is not null)
            await Chromium.Close(browser);
        server?.Dispose();
        temp?.Dispose();
    }

    [Test]
    public async Task ThePageShowsTheSimilarityAndDecisionThatCompareGives()
    {
        var samples = Path.Combine(Repository.Root(), "samples");
        var (first, second) = (Path.Combine(samples, "0_10.png"), Path.Combine(samples, "0_3.png"));
        var compare = CliRunner.Run("compare", first, second, "--json", "--device", "opencl");
        Assert.That(compare.Code, Is.EqualTo(ExitCodes.Ok), compare.Error);
        var expected = JsonDocument.Parse(compare.Out).RootElement;

        await using var page = await Compare(first, second);

        var screenshot = Path.Combine(TestContext.CurrentContext.WorkDirectory, ScreenshotName);
        await page.ScreenshotAsync(screenshot, new ScreenshotOptions { FullPage = true });
        TestContext.AddTestAttachment(screenshot);
        Assert.That(await State(page), Is.EqualTo("done"), await Text(page, "#error"));
        Assert.That(await Text(page, "#similarity"),
            Is.EqualTo(expected.GetProperty("similarity").GetDouble().ToString("0.0000", CultureInfo.InvariantCulture)));
        Assert.That(await Text(page, "#decision"), Is.EqualTo(expected.GetProperty("same").GetBoolean() ? "same" : "different"));
        foreach (var image in new[] { "#first-prepared", "#second-prepared" })
            Assert.That(await page.EvaluateExpressionAsync<int>($"document.querySelector('{image}').naturalWidth"), Is.GreaterThan(0),
                $"{image} shows no prepared image");
    }

    [Test]
    public async Task AFileThatIsNotAnImageShowsTheServersErrorAndNoSimilarity()
    {
        File.WriteAllText(temp["notes.png"], "not an image at all");

        await using var page = await Compare(Path.Combine(Repository.Root(), "samples", "7_0.png"), temp["notes.png"]);

        Assert.That(await State(page), Is.EqualTo("error"));
        Assert.That(await Text(page, "#error"), Does.Contain("notes.png"));
        Assert.That(await Text(page, "#decision"), Is.Empty);
    }

    /// <summary>A fresh page with the two files picked, once it shows a result or an error.</summary>
    private async Task<IPage> Compare(string first, string second)
    {
        var page = await browser.NewPageAsync();
        await page.GoToAsync(server.Address.ToString());
        await (await page.QuerySelectorAsync("#first"))!.UploadFileAsync(first);
        await (await page.QuerySelectorAsync("#second"))!.UploadFileAsync(second);
        await page.WaitForFunctionAsync("() => ['done', 'error'].includes(document.body.dataset.state)",
            new WaitForFunctionOptions { Timeout = 120_000, PollingInterval = 50 });
        return page;
    }

    private static Task<string> State(IPage page) => page.EvaluateExpressionAsync<string>("document.body.dataset.state");

    private static async Task<string> Text(IPage page, string selector) =>
        (await page.EvaluateExpressionAsync<string>($"document.querySelector('{selector}')?.textContent ?? ''")).Trim();

    private static void RequireOpenCl()
    {
        if (Backends.Usable(OpenCl))
            return;
        var why = $"no usable OpenCL device {OpenCl} on this machine (is PoCL installed? scripts/install-opencl.sh)";
        if (Backends.InCi)
            Assert.Fail($"{why}; CI must run the browser test on OpenCL");
        Assert.Ignore(why);
    }
}
