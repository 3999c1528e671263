using ILGPU;
using ILGPU.Backends.OpenCL;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace IlgpuSiamese.Kernels.Devices;

/// <summary>
/// Every accelerator on this machine, found once through one ILGPU context: usable or not, and why.
/// A machine without an OpenCL or CUDA runtime gets a note, never an exception.
/// </summary>
public sealed class DeviceCatalog : IDisposable
{
    private readonly List<(DeviceInfo Info, Device Device)> entries = [];

    public Context Context { get; }

    /// <summary>Lines about runtimes that could not be searched (no driver, no library).</summary>
    public IReadOnlyList<string> Notes { get; }

    public IReadOnlyList<DeviceInfo> Devices => entries.Select(e => e.Info).ToList();

    public DeviceCatalog()
    {
        OpenClRuntime.InstallLibraryFallback();
        var notes = new List<string>();
        var flatMemoryCpuDevices = new HashSet<CLDevice>();
        Context = Context.Create(builder =>
        {
            builder.Optimize(OptimizationLevel.O2).EnableAlgorithms().EnableFusedMultiplyAdd();
            builder.CPU(CpuDeviceForThisMachine());
            TryAdd(notes, "CUDA", () => builder.Cuda());
            TryAdd(notes, "OpenCL", () => builder.OpenCL(device =>
            {
                if (OpenClRuntime.AcceptFlatMemoryCpuDevice(device))
                    flatMemoryCpuDevices.Add(device);
                return true;
            }));
        });
        foreach (var kind in new[] { DeviceKind.Cuda, DeviceKind.OpenCL, DeviceKind.Cpu })
        {
            var ofKind = Context.Devices.Where(d => KindOf(d) == kind).ToList();
            for (var i = 0; i < ofKind.Count; i++)
                entries.Add((Describe(ofKind[i], kind, i, flatMemoryCpuDevices), ofKind[i]));
        }
        if (!entries.Any(e => e.Info.Kind == DeviceKind.Cuda))
            notes.Add("CUDA: no NVIDIA GPU or driver found.");
        if (!entries.Any(e => e.Info.Kind == DeviceKind.OpenCL))
            notes.Add("OpenCL: no platform found (install an ICD such as pocl-opencl-icd and ocl-icd-libopencl1).");
        Notes = notes.Distinct().ToList();
    }

    /// <summary>
    /// ILGPU's CPU accelerator runs one OS thread per group lane. One lane per core, warps of two
    /// (its minimum), keeps launches cheap; the kernels' grid-stride loops give every lane real work.
    /// </summary>
    public static CPUDevice CpuDeviceForThisMachine() =>
        new(numThreadsPerWarp: 2, numWarpsPerMultiprocessor: 1,
            numMultiprocessors: Math.Max(1, Environment.ProcessorCount / 2));

    /// <summary>The device <paramref name="request"/> names; auto prefers CUDA, an OpenCL GPU, an OpenCL CPU, then ILGPU's CPU accelerator.</summary>
    public (DeviceInfo Info, Device Device) Resolve(DeviceRequest request)
    {
        if (request.IsAuto)
        {
            var usable = entries.Where(e => e.Info.Usable).ToList();
            return usable.FirstOrDefault(e => e.Info.Kind == DeviceKind.Cuda) is { Device: not null } cuda ? cuda
                : usable.FirstOrDefault(e => e.Info is { Kind: DeviceKind.OpenCL, Type: "GPU" }) is { Device: not null } gpu ? gpu
                : usable.FirstOrDefault(e => e.Info.Kind == DeviceKind.OpenCL) is { Device: not null } cl ? cl
                : usable.First(e => e.Info.Kind == DeviceKind.Cpu);
        }
        var match = entries.FirstOrDefault(e => e.Info.Kind == request.Kind && e.Info.Index == request.Index);
        if (match.Device is null)
        {
            var count = entries.Count(e => e.Info.Kind == request.Kind);
            throw count == 0
                ? new DeviceRequestException($"No {request.Kind} device was found on this machine.", noDeviceOfKind: true)
                : new DeviceRequestException($"There is no device {request}: only {count} {request.Kind} device(s), numbered from 0.");
        }
        if (!match.Info.Usable)
            throw new DeviceRequestException($"Device {request} ({match.Info.Name}) cannot be used: {match.Info.WhyUnusable}");
        return match;
    }

    public void Dispose() => Context.Dispose();

    private static void TryAdd(List<string> notes, string runtime, Action add)
    {
        try
        {
            add();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException
                                      or CLException or CudaException or NotSupportedException)
        {
            notes.Add($"{runtime}: could not be searched ({e.GetBaseException().Message})");
        }
    }

    private static DeviceKind KindOf(Device device) => device.AcceleratorType switch
    {
        AcceleratorType.Cuda => DeviceKind.Cuda,
        AcceleratorType.OpenCL => DeviceKind.OpenCL,
        _ => DeviceKind.Cpu,
    };

    private static DeviceInfo Describe(Device device, DeviceKind kind, int index, HashSet<CLDevice> flatMemoryCpuDevices) => device switch
    {
        CLDevice cl => new DeviceInfo(kind, index, cl.Name.Trim(), OpenClType(cl), cl.MemorySize, cl.NumMultiprocessors,
            "compute units", WhyUnusable(cl, flatMemoryCpuDevices)),
        CudaDevice cuda => new DeviceInfo(kind, index, cuda.Name, "GPU", cuda.MemorySize, cuda.NumMultiprocessors,
            "multiprocessors", null),
        CPUDevice cpu => new DeviceInfo(kind, index, "ILGPU CPU accelerator", "CPU", GC.GetGCMemoryInfo().TotalAvailableMemoryBytes,
            cpu.NumThreads, "threads", null),
        _ => new DeviceInfo(kind, index, device.Name, device.AcceleratorType.ToString(), device.MemorySize,
            device.NumMultiprocessors, "units", "not a kind of device this project drives"),
    };

    private static string OpenClType(CLDevice device) => device.DeviceType switch
    {
        CLDeviceType.CL_DEVICE_TYPE_GPU => "GPU",
        CLDeviceType.CL_DEVICE_TYPE_CPU => "CPU",
        CLDeviceType.CL_DEVICE_TYPE_ACCELERATOR => "accelerator",
        _ => device.DeviceType.ToString(),
    };

    private static string? WhyUnusable(CLDevice device, HashSet<CLDevice> flatMemoryCpuDevices)
    {
        if (device.CLStdVersion < CLBackend.MinimumVersion)
            return $"OpenCL C {device.CLStdVersion} is older than the {CLBackend.MinimumVersion} that ILGPU needs.";
        if (!device.Capabilities.GenericAddressSpace && !flatMemoryCpuDevices.Contains(device))
            return "it reports no generic address space, which ILGPU 1.5.3 requires of OpenCL GPUs.";
        return null;
    }
}
