using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training;

namespace IlgpuSiamese.Cli.Serve;

/// <summary>
/// <c>siamese serve</c>: the model over HTTP (ASP.NET Core's Kestrel) with a compare page at /. Prints
/// <c>Listening on http://HOST:PORT</c> once it listens. SIGTERM or Ctrl+C stops taking requests, answers those in
/// flight and what is queued for the device, then exits 0.
/// </summary>
public static class ServeCommand
{
    private const string Localhost = "localhost";

    public static Command Create()
    {
        var defaults = ServeSettings.Default;
        var model = ModelOption.Create();
        var device = CommonOptions.Device();
        var host = new Option<string>("--host") { Description = "The IP address to listen on, or localhost; 0.0.0.0 (or ::) opens it to the network.", DefaultValueFactory = _ => "127.0.0.1" };
        host.Validators.Add(result =>
        {
            if (result.Tokens is [.., var token] && token.Value != Localhost && !IPAddress.TryParse(token.Value, out _))
                result.AddError($"--host takes an IP address (127.0.0.1, ::1, 0.0.0.0, ::) or {Localhost}; got '{token.Value}'.");
        });
        var port = new Option<int>("--port") { Description = "The port; 0 picks a free one (the line 'Listening on ...' says which).", DefaultValueFactory = _ => 8080 }.Within(0, 65535);
        var maxBatch = new Option<int>("--max-batch") { Description = "The most pairs (or images) one device call takes.", DefaultValueFactory = _ => defaults.MaxBatch }.Within(1, 4096);
        var batchWait = new Option<double>("--batch-wait-ms") { Description = "How long a request waits for others to join its device batch.", DefaultValueFactory = _ => defaults.BatchWait.TotalMilliseconds }.Within(0, 1000);
        var queueLimit = new Option<int>("--queue-limit") { Description = "The most requests waiting for the device; more are refused with 503 and Retry-After.", DefaultValueFactory = _ => defaults.QueueLimit }.Within(1, 1_000_000);
        var maxUpload = new Option<int>("--max-upload-mb") { Description = "The largest request body in MB; larger ones are refused with 413.", DefaultValueFactory = _ => (int)(defaults.MaxUploadBytes >> 20) }.Within(1, 1024);
        var timeout = new Option<double>("--request-timeout-s") { Description = "The longest a request may take, in seconds; then 504.", DefaultValueFactory = _ => defaults.RequestTimeout.TotalSeconds }.Within(0.01, 3600);
        var preparedImages = new Option<int>("--prepared-images")
        {
            Description = "How many prepared uploads to keep, found again by their bytes, so that an image sent again is not decoded and prepared again; 0 keeps none.",
            DefaultValueFactory = _ => defaults.PreparedImages,
        }.Within(0, 1_000_000);
        var command = new Command("serve", "Serve the model over HTTP: POST /compare and /embed, GET /health and /model, and a page at / to compare two images in a browser.")
        {
            model, device, host, port, maxBatch, batchWait, queueLimit, maxUpload, timeout, preparedImages,
        };
        command.SetAction(parse =>
        {
            var settings = new ServeSettings(parse.GetValue(maxBatch), TimeSpan.FromMilliseconds(parse.GetValue(batchWait)), parse.GetValue(queueLimit),
                (long)parse.GetValue(maxUpload) << 20, TimeSpan.FromSeconds(parse.GetValue(timeout)), parse.GetValue(preparedImages));
            var (address, number) = (parse.GetValue(host)!, parse.GetValue(port));
            if (address == Localhost && number == 0)
                throw new UsageException($"--port 0 cannot pick one free port for both of {Localhost}'s addresses: use --host 127.0.0.1 or ::1");
            using var loaded = SiameseModel.Load(ModelOption.Resolve(parse.GetValue(model)), parse.GetValue(device)!);
            if (loaded.DeviceAdvice is { } advice)
                Console.Error.WriteLine($"Warning: {advice}.");
            WarmUp.Run(loaded);
            Serve(loaded, settings, address, number);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Serve(SiameseModel model, ServeSettings settings, string address, int port)
    {
        using var host = new HostBuilder()
            .ConfigureLogging(logging => logging
                .AddSimpleConsole(console => console.SingleLine = true)
                .AddFilter((category, level) => level >= LogLevel.Warning)
                // A host that fails to start (a port in use) is said in one line by ExitCodes, not with the host's stack trace.
                .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None))
            .ConfigureServices(services =>
            {
                // Every log line goes to stderr: stdout carries only the 'Listening on' line.
                services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
                services.Configure<ConsoleLifetimeOptions>(lifetime => lifetime.SuppressStatusMessages = true);
                // Time for the requests in flight to finish after SIGTERM: each has at most the request timeout.
                services.Configure<HostOptions>(options => options.ShutdownTimeout = settings.RequestTimeout + TimeSpan.FromSeconds(5));
            })
            .ConfigureWebHost(web => ServeApp.Configure(web.UseKestrel(kestrel =>
            {
                kestrel.Limits.MaxRequestBodySize = settings.MaxUploadBytes;
                // Only the address asked for: Kestrel's URLs would take any name but localhost as every interface.
                if (address == Localhost)
                    kestrel.ListenLocalhost(port);
                else
                    kestrel.Listen(IPAddress.Parse(address), port);
            }), model, settings))
            .Build();
        try
        {
            host.Start();
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            throw new UserInputException($"cannot listen on {address} port {port}: {e.Message}");
        }
        var url = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.Error.WriteLine($"siamese serve: {model.Name} on {model.DeviceName}; open {url}/ in a browser; Ctrl+C stops.");
        Console.Out.WriteLine($"Listening on {url}");
        Console.Out.Flush();
        host.WaitForShutdown();
    }
}
