using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace IlgpuSiamese.Tests.Support;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 at a free port, for download tests: each GET is answered by
/// <c>respond(path)</c> with a status and a body, one connection at a time, then the connection closes.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, (int Status, byte[] Body)> respond;
    private readonly CancellationTokenSource stop = new();
    private readonly Task serving;

    public LoopbackHttpServer(Func<string, (int Status, byte[] Body)> respond)
    {
        this.respond = respond;
        listener.Start();
        serving = Task.Run(Serve);
    }

    public Uri BaseUri => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");

    public ConcurrentQueue<string> Requests { get; } = new();

    private async Task Serve()
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var client = await listener.AcceptTcpClientAsync(stop.Token);
                await Answer(client.GetStream());
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException)
            {
                if (stop.IsCancellationRequested)
                    return;
            }
        }
    }

    private async Task Answer(NetworkStream stream)
    {
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        var requestLine = await reader.ReadLineAsync(stop.Token) ?? "";
        while (!string.IsNullOrEmpty(await reader.ReadLineAsync(stop.Token)))
        {
        }
        var path = requestLine.Split(' ') is [_, var target, ..] ? target : "/";
        Requests.Enqueue(path);
        var (status, body) = respond(path);
        var head = $"HTTP/1.1 {status} {(HttpStatusCode)status}\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), stop.Token);
        await stream.WriteAsync(body, stop.Token);
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        serving.Wait(TimeSpan.FromSeconds(5));
        stop.Dispose();
    }
}
