using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace IlgpuSiamese.Cli.Serve;

/// <summary>A request the server refuses: its HTTP status, the message for the client and, for 503, when to retry.</summary>
public sealed class HttpError(int status, string message, int? retryAfterSeconds = null) : Exception(message)
{
    public int Status { get; } = status;

    public int? RetryAfterSeconds { get; } = retryAfterSeconds;
}

/// <summary>Every error the server answers is <c>{"error": "message"}</c> with its status; this writes it.</summary>
public static class ErrorJson
{
    /// <summary>Camel case, and messages left readable (quotes and <c>+</c> not escaped): JSON for API clients, never inlined in HTML.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task Write(HttpContext http, int status, string message, int? retryAfterSeconds = null)
    {
        if (http.Response.HasStarted)
            return;
        http.Response.Clear();
        http.Response.StatusCode = status;
        if (retryAfterSeconds is { } seconds)
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new { error = message }, Options));
    }

    /// <summary>An error status with no body yet (no such endpoint, a method it does not take): its reason phrase as the message.</summary>
    public static Task WriteStatus(HttpContext http)
    {
        var status = http.Response.StatusCode;
        var reason = ReasonPhrases.GetReasonPhrase(status);
        var message = status switch
        {
            StatusCodes.Status404NotFound => $"no such endpoint: {http.Request.Method} {http.Request.Path}; there are GET /, GET /health, GET /model, POST /compare and POST /embed",
            StatusCodes.Status405MethodNotAllowed => $"{http.Request.Path} does not take {http.Request.Method}",
            _ => reason,
        };
        return Write(http, status, message);
    }
}
