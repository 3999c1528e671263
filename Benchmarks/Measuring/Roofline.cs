using ILGPU.Runtime.Cuda;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Measuring;

/// <summary>
/// The roofline floor of an op: the longer of its FLOPs at the device's peak and its bytes at the device's bandwidth.
/// No kernel can beat it; measured time over floor says how far an op is from its bound.
/// </summary>
public static class Roofline
{
    /// <summary>
    /// The roofs of <paramref name="device"/>: for PoCL's CPU device and ILGPU's CPU accelerator, the host CPU's nominal
    /// peak and its measured copy bandwidth; for CUDA, the nominal peak and bandwidth from the driver's figures;
    /// otherwise unknown.
    /// </summary>
    public static (DevicePeak Peak, DeviceBandwidth Bandwidth) RoofsOf(ComputeDevice device) => device.Kind switch
    {
        DeviceKind.Cpu => (DevicePeak.HostCpu(), DeviceBandwidth.MeasureHostCopy()),
        DeviceKind.OpenCL when device.Info.Type == "CPU" => (DevicePeak.HostCpu(), DeviceBandwidth.MeasureHostCopy()),
        DeviceKind.Cuda when device.Accelerator is CudaAccelerator cuda => (DevicePeak.Cuda(cuda), DeviceBandwidth.Cuda(cuda)),
        _ => (new DevicePeak(null, $"peak unknown for {device.Info.Type} {device.Name}"),
              new DeviceBandwidth(null, $"bandwidth unknown for {device.Info.Type} {device.Name}")),
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
