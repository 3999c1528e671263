namespace IlgpuSiamese.Kernels.Devices;

/// <summary>One accelerator found on this machine, as <c>siamese devices</c> lists it.</summary>
/// <param name="Kind">CUDA, OpenCL or ILGPU's CPU accelerator.</param>
/// <param name="Index">Position among the devices of the same kind: the N in <c>opencl:N</c>.</param>
/// <param name="Name">The device's own name.</param>
/// <param name="Type">What the driver calls its type (GPU, CPU, ...).</param>
/// <param name="MemoryBytes">Its memory.</param>
/// <param name="Parallelism">Compute units (OpenCL), multiprocessors (CUDA) or threads (CPU).</param>
/// <param name="ParallelismUnit">What <paramref name="Parallelism"/> counts.</param>
/// <param name="WhyUnusable">Null when usable, else the reason in one line.</param>
public sealed record DeviceInfo(
    DeviceKind Kind,
    int Index,
    string Name,
    string Type,
    long MemoryBytes,
    int Parallelism,
    string ParallelismUnit,
    string? WhyUnusable)
{
    public bool Usable => WhyUnusable is null;

    /// <summary>A CUDA device or an OpenCL GPU: kernels shaped for groups of threads and shared memory suit it.</summary>
    public bool IsGpu => Type == "GPU";

    public string Id => $"{Kind.ToString().ToLowerInvariant()}:{Index}";
}
