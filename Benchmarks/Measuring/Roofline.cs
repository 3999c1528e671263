using ILGPU.Runtime.Cuda;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Measuring;

/// <summary>A device's roofs: the measured peak (the floor's), the nominal one beside it, and the memory bandwidth.</summary>
public sealed record Roofs(DevicePeak Peak, DevicePeak NominalPeak, DeviceBandwidth Bandwidth);

/// <summary>
/// The roofline floor of an op: the longer of its FLOPs at the device's peak and its bytes at the device's bandwidth.
/// No kernel can beat it; measured time over floor says how far an op is from its bound.
/// </summary>
public static class Roofline
{
    /// <summary>
    /// The roofs of <paramref name="device"/>: the peak our kernels reach there, measured (<see cref="FmaPeak"/>), beside
    /// the nominal one; for PoCL's CPU device and ILGPU's CPU accelerator the host CPU's nominal peak and its measured
    /// copy bandwidth; for CUDA, the nominal peak and bandwidth from the driver's figures; otherwise unknown.
    /// </summary>
    public static Roofs RoofsOf(ComputeDevice device) => new(FmaPeak.Measure(device), NominalPeakOf(device), BandwidthOf(device));

    /// <summary>The peak from the clock and the vector width: the host CPU's for CPU devices, the SMs' for CUDA, else unknown.</summary>
    public static DevicePeak NominalPeakOf(ComputeDevice device) => device.Kind switch
    {
        DeviceKind.Cpu => DevicePeak.HostCpu(),
        DeviceKind.OpenCL when device.Info.Type == "CPU" => DevicePeak.HostCpu(),
        DeviceKind.Cuda when device.Accelerator is CudaAccelerator cuda => DevicePeak.Cuda(cuda),
        _ => new DevicePeak(null, $"nominal peak unknown for {device.Info.Type} {device.Name}"),
    };

    private static DeviceBandwidth BandwidthOf(ComputeDevice device) => device.Kind switch
    {
        DeviceKind.Cpu => DeviceBandwidth.MeasureHostCopy(),
        DeviceKind.OpenCL when device.Info.Type == "CPU" => DeviceBandwidth.MeasureHostCopy(),
        DeviceKind.Cuda when device.Accelerator is CudaAccelerator cuda => DeviceBandwidth.Cuda(cuda),
        _ => new DeviceBandwidth(null, $"bandwidth unknown for {device.Info.Type} {device.Name}"),
    };

    /// <summary>The floor in ms, or null when the peak or bandwidth it needs is unknown (or the op does no work).</summary>
    public static double? FloorMs(OpCost cost, DevicePeak peak, DeviceBandwidth bandwidth)
    {
        if (cost.Flops <= 0 && cost.Bytes <= 0)
            return null;
        if (cost.Flops > 0 && peak.GflopsPerSecond is not > 0 || cost.Bytes > 0 && bandwidth.GigabytesPerSecond is not > 0)
            return null;
        var compute = cost.Flops > 0 ? cost.Flops / (peak.GflopsPerSecond!.Value * 1e6) : 0;
        var memory = cost.Bytes > 0 ? cost.Bytes / (bandwidth.GigabytesPerSecond!.Value * 1e6) : 0;
        return Math.Max(compute, memory);
    }
}
