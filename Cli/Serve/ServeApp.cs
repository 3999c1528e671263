using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IlgpuSiamese.Cli.Serve;

/// <summary>
/// The web application of <c>siamese serve</c> on any server: Kestrel from <see cref="ServeCommand"/>, the in-memory
/// test server from the tests. The model is the caller's (it outlives the host); the batchers are the host's, and
/// disposing the host runs what they still hold. A class rather than a static one only so that the tests can name it
/// as the application for ASP.NET Core's <c>WebApplicationFactory</c>.
/// </summary>
public sealed class ServeApp
{
    private ServeApp()
    {
    }

    public static IWebHostBuilder Configure(IWebHostBuilder web, SiameseModel model, ServeSettings settings) => web
        .ConfigureServices(services =>
        {
            services.AddSingleton(model);
            services.AddSingleton(settings);
            services.AddSingleton(_ => Batchers.For(model, settings));
            services.AddSingleton(new PreparedCache(settings.PreparedImages));
            services.AddRouting();
            services.Configure<FormOptions>(form => form.MultipartBodyLengthLimit = settings.MaxUploadBytes);
        })
        .Configure(app =>
        {
            app.UseStatusCodePages(context => ErrorJson.WriteStatus(context.HttpContext));
            app.Use(Guard);
            app.UseRouting();
            app.UseEndpoints(Map);
        });

    private static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", ServePage.Write);
        endpoints.MapGet("/health", ServeEndpoints.Health);
        endpoints.MapGet("/model", ServeEndpoints.Model);
        endpoints.MapPost("/compare", ServeEndpoints.Compare);
        endpoints.MapPost("/embed", ServeEndpoints.Embed);
    }

    /// <summary>Bounds each request's body and time, and turns every failure into <c>{"error": ...}</c> with its status.</summary>
    private static async Task Guard(HttpContext http, RequestDelegate next)
    {
        var settings = http.RequestServices.GetRequiredService<ServeSettings>();
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
            bodyLimit.MaxRequestBodySize = settings.MaxUploadBytes;
        var aborted = http.RequestAborted;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(settings.RequestTimeout);
        http.RequestAborted = timeout.Token;
        try
        {
            await next(http);
        }
        catch (HttpError e)
        {
            await ErrorJson.Write(http, e.Status, e.Message, e.RetryAfterSeconds);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            await ErrorJson.Write(http, StatusCodes.Status504GatewayTimeout,
                string.Create(CultureInfo.InvariantCulture, $"the request took longer than {settings.RequestTimeout.TotalSeconds:0.###} s (--request-timeout-s)"));
        }
        catch (BadHttpRequestException e)
        {
            await ErrorJson.Write(http, e.StatusCode, e.Message);
        }
        catch (Exception e) when (!aborted.IsCancellationRequested)
        {
            http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("siamese serve").LogError(e, "{Method} {Path} failed", http.Request.Method, http.Request.Path);
            await ErrorJson.Write(http, StatusCodes.Status500InternalServerError, $"internal error ({e.GetType().Name}: {e.Message}); this is a defect of siamese: please report it");
        }
    }
}
