using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Tests.Support;

/// <summary>
/// The accelerators every backend fixture runs on: ILGPU's CPU accelerator always, every usable OpenCL
/// and CUDA device found. Where none of a kind is found a placeholder fixture still appears: CUDA's is
/// skipped; OpenCL's is skipped on a developer machine and fails when CI=true, since CI installs PoCL.
/// </summary>
public static class Backends
{
    private static readonly Lazy<IReadOnlyList<DeviceInfo>> Found = new(() =>
    {
        using var catalog = new DeviceCatalog();
        return catalog.Devices;
    });

    private static readonly Dictionary<string, ComputeDevice> Opened = [];

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static IEnumerable<string> All()
    {
        yield return "cpu:0";
        foreach (var kind in new[] { DeviceKind.OpenCL, DeviceKind.Cuda })
        {
            var usable = Found.Value.Where(d => d.Kind == kind && d.Usable).ToList();
            if (usable.Count == 0)
                yield return $"{kind.ToString().ToLowerInvariant()}:0";
            foreach (var device in usable)
                yield return device.Id;
        }
    }

    /// <summary>Whether <paramref name="id"/> names a usable accelerator on this machine.</summary>
    public static bool Usable(string id) => Found.Value.Any(d => d.Id == id && d.Usable);

    /// <summary>The opened device, shared by every fixture so each kernel is compiled once per device.</summary>
    public static ComputeDevice Open(string id)
    {
        lock (Opened)
        {
            if (Opened.TryGetValue(id, out var device))
                return device;
            var request = DeviceRequest.Parse(id);
            if (!Found.Value.Any(d => d.Id == id && d.Usable))
            {
                var why = $"no usable {request.Kind} device {id} on this machine";
                if (request.Kind == DeviceKind.OpenCL && InCi)
                    Assert.Fail($"{why}; CI must run the OpenCL fixtures (is PoCL installed?)");
                Assert.Ignore(why);
            }
            device = ComputeDevice.Open(request);
            Opened[id] = device;
            return device;
        }
    }

    public static void CloseAll()
    {
        lock (Opened)
        {
            foreach (var device in Opened.Values)
                device.Dispose();
            Opened.Clear();
        }
    }
}

[SetUpFixture]
public sealed class CloseDevicesAfterAllTests
{
    [OneTimeTearDown]
    public void CloseDevices() => Backends.CloseAll();
}

/// <summary>Base of every fixture that runs once per backend: <c>[TestFixtureSource(typeof(Backends), nameof(Backends.All))]</c>.</summary>
public abstract class BackendFixture(string deviceId)
{
    protected ComputeDevice Device { get; private set; } = null!;

    protected string DeviceId { get; } = deviceId;

    [OneTimeSetUp]
    public void OpenDevice() => Device = Backends.Open(DeviceId);
}
