namespace IlgpuSiamese.Kernels.Devices;

/// <summary>The three kinds of accelerator ILGPU can drive.</summary>
public enum DeviceKind
{
    Cuda,
    OpenCL,
    Cpu,
}
