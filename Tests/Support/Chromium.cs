using PuppeteerSharp;

namespace IlgpuSiamese.Tests.Support;

/// <summary>
/// Debian's Chromium (scripts/install-chromium.sh), headless, driven by PuppeteerSharp: never a browser that
/// PuppeteerSharp downloads. Without it a browser test is skipped on a developer machine and fails in CI,
/// which installs it.
/// </summary>
public static class Chromium
{
    public const string Executable = "/usr/bin/chromium";

    /// <summary>
    /// --no-sandbox: as root Chromium will not start with its sandbox, and the only page opened is our own on loopback.
    /// The rest keep a test run off the network and off the GPU: no update checks, no sync, no QUIC, no first-run pages.
    /// </summary>
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    public static void Require()
    {
        if (File.Exists(Executable))
            return;
        var why = $"no {Executable}: run scripts/install-chromium.sh";
        if (Backends.InCi)
            Assert.Fail($"{why}; CI must run the browser test");
        Assert.Ignore(why);
    }

    /// <summary>Starts Chromium with a fresh profile in <paramref name="profileFolder"/>.</summary>
    public static Task<IBrowser> Launch(string profileFolder) => Puppeteer.LaunchAsync(new LaunchOptions
    {
        ExecutablePath = Executable,
        Headless = true,
        Args = Flags,
        UserDataDir = profileFolder,
        DefaultViewport = new ViewPortOptions { Width = 640, Height = 480 },
        Timeout = 120_000,
    });

    /// <summary>Closes the browser, and kills its process tree if it is still there.</summary>
    public static async Task Close(IBrowser browser)
    {
        var process = browser.Process;
        try
        {
            await browser.CloseAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        finally
        {
            if (process is { HasExited: false })
                process.Kill(entireProcessTree: true);
            await browser.DisposeAsync();
        }
    }
}
