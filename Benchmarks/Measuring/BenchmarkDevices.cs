using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Network;

namespace IlgpuSiamese.Measuring;

/// <summary>Which accelerators a benchmark runs on, from a <c>--device</c> value.</summary>
public static class BenchmarkDevices
{
    public const string All = "all";

    /// <summary>
    /// Every usable device, ILGPU's CPU accelerator first: ratios between devices then read "opencl / cpu",
    /// how much an accelerator gains over the one that is always there.
    /// </summary>
    public static IReadOnlyList<string> AllUsable(DeviceCatalog catalog) =>
        catalog.Devices.Where(d => d.Usable)
            .OrderBy(d => d.Kind switch { DeviceKind.Cpu => 0, DeviceKind.OpenCL => 1, _ => 2 })
            .ThenBy(d => d.Index)
            .Select(d => d.Id)
            .ToList();

    /// <summary>"all" is every usable device; otherwise a comma-separated list, each resolved ("auto" too) and listed once.</summary>
    public static IReadOnlyList<string> Resolve(string value, DeviceCatalog catalog)
    {
        if (value.Trim().Equals(All, StringComparison.OrdinalIgnoreCase))
            return AllUsable(catalog);
        var ids = new List<string>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (info, _) = catalog.Resolve(DeviceRequest.Parse(part));
            if (!ids.Contains(info.Id))
                ids.Add(info.Id);
        }
        if (ids.Count == 0)
            throw new UserInputException("--device names no device.");
        return ids;
    }

    /// <summary><see cref="Resolve"/> with a catalog of its own.</summary>
    public static IReadOnlyList<string> Resolve(string value)
    {
        using var catalog = new DeviceCatalog();
        return Resolve(value, catalog);
    }
}
