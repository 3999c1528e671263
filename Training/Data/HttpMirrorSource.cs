using System.IO.Compression;

namespace IlgpuSiamese.Training.Data;

/// <summary>An HTTP(S) mirror serving the gzip-compressed IDX files as <c>{base}{name}.gz</c>.</summary>
public sealed class HttpMirrorSource(Uri baseUri) : IDataSource
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(20) })
    {
        Timeout = TimeSpan.FromMinutes(1),
    };

    public string Description => baseUri.ToString();

    public string ByHand(KnownDataset dataset, string folder) =>
        $"download {string.Join(", ", dataset.Files.Select(f => f.Name + ".gz"))} from {baseUri} and gunzip them into {folder}";

    public void FetchInto(KnownDataset dataset, string staging, IProgress<DataProgress>? progress)
    {
        foreach (var file in dataset.Files)
        {
            var url = new Uri(baseUri, file.Name + ".gz");
            using var response = Send(url);
            if (!response.IsSuccessStatusCode)
                throw new DataSourceException($"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            using var gzip = new GZipStream(response.Content.ReadAsStream(), CompressionMode.Decompress);
            try
            {
                VerifiedFile.Write(gzip, Path.Combine(staging, file.Name), file, progress, $"downloading {file.Name}");
            }
            catch (Exception e) when (e is InvalidDataException or IOException or HttpRequestException)
            {
                throw new DataSourceException($"{url}: {e.Message}", e);
            }
        }
    }

    private static HttpResponseMessage Send(Uri url)
    {
        try
        {
            return Client.Send(new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseHeadersRead);
        }
        catch (HttpRequestException e)
        {
            throw new DataSourceException($"{url}: {e.Message}", e);
        }
        catch (TaskCanceledException e)
        {
            throw new DataSourceException($"{url}: no answer within {Client.Timeout.TotalSeconds:0} s", e);
        }
    }
}
