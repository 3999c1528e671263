using System.Globalization;
using System.Text.Json;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Measuring;
using IlgpuSiamese.Network;

namespace IlgpuSiamese.Benchmarks;

/// <summary>
/// <c>peak</c>: the FP32 rate our kernels can reach on each device, measured with <see cref="FmaPeak"/>, beside the
/// nominal peak (<see cref="Roofline.NominalPeakOf"/>). <c>e2e</c> runs it in a child process of its own for its header.
/// </summary>
public static class PeakCommand
{
    public sealed record DevicePeaks(string Device, string Name, double? MeasuredGflopsPerSecond, string Measured,
        double? NominalGflopsPerSecond, string Nominal);

    public static int Run(string[] args)
    {
        var device = BenchmarkDevices.All;
        var json = false;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--device" when i + 1 < args.Length:
                        device = args[++i];
                        break;
                    case "--json":
                        json = true;
                        break;
                    case "--help" or "-h":
                        Console.WriteLine(Usage);
                        return 0;
                    default:
                        throw new UserInputException($"unknown option {args[i]}.\n{Usage}");
                }
            }
            var peaks = BenchmarkDevices.Resolve(device).Select(Measure).ToList();
            if (json)
                Console.WriteLine(JsonSerializer.Serialize(peaks, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
            else
                foreach (var p in peaks)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{p.Device} ({p.Name}): {p.Measured}; {p.Nominal}"));
            return 0;
        }
        catch (Exception e) when (e is UserInputException or DeviceRequestException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }

    public const string Usage = """
        Benchmarks peak [--device all|cpu,opencl,...] [--json]
            the FP32 GFLOP/s of a kernel of fused multiply-adds only (Benchmarks/Measuring/FmaPeak.cs) on each device:
            what our kernels can reach there, beside the nominal peak from the clock and the vector width
        """;

    public static DevicePeaks Measure(string id)
    {
        using var device = ComputeDevice.Open(id);
        var (measured, nominal) = (FmaPeak.Measure(device), Roofline.NominalPeakOf(device));
        return new DevicePeaks(device.Info.Id, device.Name, measured.GflopsPerSecond, measured.Assumption, nominal.GflopsPerSecond, nominal.Assumption);
    }
}
