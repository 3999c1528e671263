using System.Net;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using IlgpuSiamese.Cli;
using IlgpuSiamese.Tests.Support;

namespace IlgpuSiamese.Tests.Serve;

/// <summary>
/// <c>siamese serve</c> in a process of its own on a real port: the line that says where it listens, and SIGTERM,
/// which lets a request in flight finish before the process exits 0. On ILGPU's CPU accelerator: its kernels compile
/// in a moment, and what is tested here is the process, not the numbers.
/// </summary>
public class ServeProcessTests
{
    [Test]
    public async Task SigtermLetsTheRequestInFlightFinishThenExitsZero()
    {
        using var server = SiameseProcess.Start(["serve", "--port", "0", "--device", "cpu", "--model", ServeModel.BundledPath]);
        Assert.That(server.WaitForOutput("Listening on ", timeoutSeconds: 120), "the server says where it listens");
        var address = Regex.Match(server.Output, @"Listening on (\S+)").Groups[1].Value;
        Assert.That(address, Does.Match(@"^http://127\.0\.0\.1:[0-9]+$"), "on loopback, at the port it picked");
        using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(120) };
        Assert.That((await client.GetAsync("/health")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // The request's body is half sent when SIGTERM arrives: it is in flight, whatever the timing.
        var body = new HeldBody(Multipart.Pair("0_10.png", "0_3.png"));
        var inFlight = client.PostAsync("/compare", body);
        await body.HalfSent.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Machine.Signal(server.Id, PosixSignal.SIGTERM);
        await Task.Delay(500);
        Assert.That(server.HasExited, Is.False, "it waits for the request in flight");
        body.SendTheRest.SetResult();

        var json = await Multipart.Json(await inFlight);
        Assert.That(json.GetProperty("similarity").GetSingle(), Is.InRange(0f, 1f));
        var exit = server.WaitForExit(60);
        Assert.That(exit.Code, Is.EqualTo(ExitCodes.Ok), exit.Error);
        Assert.That(exit.Out.Trim(), Is.EqualTo($"Listening on {address}"), "stdout holds that one line, nothing else");
    }

    /// <summary>A request body that sends its first half, then waits to be told to send the rest.</summary>
    private sealed class HeldBody : HttpContent
    {
        private readonly byte[] bytes;

        public HeldBody(HttpContent inner)
        {
            bytes = inner.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            Headers.ContentType = inner.Headers.ContentType;
        }

        public TaskCompletionSource HalfSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource SendTheRest { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var half = bytes.Length / 2;
            await stream.WriteAsync(bytes.AsMemory(0, half));
            await stream.FlushAsync();
            HalfSent.SetResult();
            await SendTheRest.Task;
            await stream.WriteAsync(bytes.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
