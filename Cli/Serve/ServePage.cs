using System.Reflection;
using Microsoft.AspNetCore.Http;

namespace IlgpuSiamese.Cli.Serve;

/// <summary>GET /: the compare page, one self-contained HTML file (its CSS and script inline) embedded in this assembly.</summary>
public static class ServePage
{
    public const string ResourceName = "IlgpuSiamese.Cli.Serve.compare.html";

    private static readonly Lazy<byte[]> Html = new(() =>
    {
        using var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the page {ResourceName} is missing from this build");
        using var bytes = new MemoryStream();
        resource.CopyTo(bytes);
        return bytes.ToArray();
    });

    public static Task Write(HttpContext http)
    {
        http.Response.ContentType = "text/html; charset=utf-8";
        return http.Response.Body.WriteAsync(Html.Value).AsTask();
    }
}
