using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using IlgpuSiamese.Cli.Serve;

namespace IlgpuSiamese.Tests.Serve;

/// <summary>
/// <c>siamese serve</c>'s application in memory (ASP.NET Core's TestServer: no port is bound) on the shared model,
/// with the given limits and, where a test needs to hold the device, batchers of its own.
/// </summary>
public sealed class ServeHost(ServeSettings? settings = null, Func<SiameseModel, ServeSettings, Batchers>? batchers = null) : WebApplicationFactory<ServeApp>
{
    public ServeSettings Settings { get; } = settings ?? ServeSettings.Default;

    protected override IHostBuilder CreateHostBuilder() =>
        new HostBuilder().ConfigureWebHost(web => ServeApp.Configure(web.UseContentRoot(AppContext.BaseDirectory), ServeModel.Shared, Settings));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (batchers is not null)
            builder.ConfigureTestServices(services => services.AddSingleton(_ => batchers(ServeModel.Shared, Settings)));
    }
}

/// <summary>Holds the device: every compare batch waits at the gate until it opens, and the gate records each batch's size.</summary>
public sealed class DeviceGate : IDisposable
{
    private readonly ManualResetEventSlim open = new();
    private readonly SemaphoreSlim entered = new(0);
    private readonly List<int> sizes = [];

    public IReadOnlyList<int> BatchSizes
    {
        get
        {
            lock (sizes)
                return [.. sizes];
        }
    }

    /// <summary>Batchers whose compare calls pass this gate before the model runs them.</summary>
    public Batchers Batchers(SiameseModel model, ServeSettings settings) =>
        new(new(pairs => Pass(pairs.Count, () => model.Compare(pairs)), settings, "compare"), new(images => model.Embed(images), settings, "embed"));

    /// <summary>Waits until a batch is held at the gate.</summary>
    public void WaitForBatch() => Assert.That(entered.Wait(TimeSpan.FromSeconds(60)), "a batch reached the device");

    public void Open() => open.Set();

    public void Dispose() => open.Set();

    private T Pass<T>(int size, Func<T> run)
    {
        lock (sizes)
            sizes.Add(size);
        entered.Release();
        open.Wait();
        return run();
    }
}
