using System.Globalization;
using System.Text.Json;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Cli.LoadTest;
using IlgpuSiamese.Tests.Support;
using PuppeteerSharp;

namespace IlgpuSiamese.Tests.Browser;

/// <summary>
/// The page of <c>siamese serve</c> in real headless Chromium: the server in its own process on OpenCL (PoCL), two
/// samples/ images put into the page's file inputs as a person picking them would, and the similarity and decision
/// the page shows against <c>siamese compare</c>'s. Leaves a screenshot, serve-page.png, in the test's work folder
/// (scripts/serve-page-screenshot.sh copies it to docs/).
/// </summary>
[NonParallelizable]
public class ComparePageTests
{
    public const string ScreenshotName = "serve-page.png";
    private const string OpenCl = "opencl:0";

    [Test]
    public async Task ThePageShowsTheSimilarityAndDecisionThatCompareGives()
    {
        Chromium.Require();
        RequireOpenCl();
        var samples = Path.Combine(Repository.Root(), "samples");
        var (first, second) = (Path.Combine(samples, "0_10.png"), Path.Combine(samples, "0_3.png"));
        var compare = CliRunner.Run("compare", first, second, "--json", "--device", "opencl");
        Assert.That(compare.Code, Is.EqualTo(ExitCodes.Ok), compare.Error);
        var expected = JsonDocument.Parse(compare.Out).RootElement;

        using var profile = new TempFolder();
        using var server = ServerProcess.Start(["--device", "opencl"], TimeSpan.FromMinutes(5));
        var browser = await Chromium.Launch(profile.Path);
        try
        {
            var page = await browser.NewPageAsync();
            await page.GoToAsync(server.Address.ToString());
            await (await page.QuerySelectorAsync("#first"))!.UploadFileAsync(first);
            await (await page.QuerySelectorAsync("#second"))!.UploadFileAsync(second);
            await page.WaitForFunctionAsync("() => ['done', 'error'].includes(document.body.dataset.state)",
                new WaitForFunctionOptions { Timeout = 120_000, PollingInterval = 50 });

            var screenshot = Path.Combine(TestContext.CurrentContext.WorkDirectory, ScreenshotName);
            await page.ScreenshotAsync(screenshot, new ScreenshotOptions { FullPage = true });
            TestContext.AddTestAttachment(screenshot);
            var state = await page.EvaluateExpressionAsync<string>("document.body.dataset.state");
            Assert.That(state, Is.EqualTo("done"), await Text(page, "#error"));
            Assert.That(await Text(page, "#similarity"),
                Is.EqualTo(expected.GetProperty("similarity").GetDouble().ToString("0.0000", CultureInfo.InvariantCulture)));
            Assert.That(await Text(page, "#decision"), Is.EqualTo(expected.GetProperty("same").GetBoolean() ? "same" : "different"));
            foreach (var image in new[] { "#first-prepared", "#second-prepared" })
                Assert.That(await page.EvaluateExpressionAsync<int>($"document.querySelector('{image}').naturalWidth"), Is.GreaterThan(0),
                    $"{image} shows no prepared image");
        }
        finally
        {
            await Chromium.Close(browser);
        }
    }

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
