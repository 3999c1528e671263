using System.Net.Http.Headers;
using System.Text.Json;

namespace IlgpuSiamese.Tests.Serve;

/// <summary>Requests to the server as a browser or curl sends them: file parts of multipart/form-data.</summary>
public static class Multipart
{
    public static MultipartFormDataContent Form(params (string Part, string FileName, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (part, fileName, bytes) in files)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(content, part, fileName);
        }
        return form;
    }

    /// <summary>A /compare request of two files of samples/.</summary>
    public static MultipartFormDataContent Pair(string first, string second) =>
        Form(("first", first, File.ReadAllBytes(ServeModel.Sample(first))), ("second", second, File.ReadAllBytes(ServeModel.Sample(second))));

    public static async Task<JsonElement> Json(HttpResponseMessage response, int status = 200)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That((int)response.StatusCode, Is.EqualTo(status), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"), body);
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>The error message of a refused request, after checking its status.</summary>
    public static async Task<string> Error(HttpResponseMessage response, int status) =>
        (await Json(response, status)).GetProperty("error").GetString()!;
}
