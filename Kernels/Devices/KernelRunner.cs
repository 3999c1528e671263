using ILGPU;
using ILGPU.Runtime;

namespace IlgpuSiamese.Kernels.Devices;

/// <summary>
/// How every op launches its kernels: <c>device.Run(Conv2dKernels.Conv2dIm2Col, device.Launch(n), col, x, s)</c>.
/// The kernel is compiled on its first launch on a device (0.2-0.9 s) and the loaded launcher is kept there,
/// so no op holds a field per kernel. Type inference from the arguments picks the overload.
/// </summary>
public static class KernelRunner
{
    public static void Run<T1, T2>(this ComputeDevice device, Action<T1, T2> kernel, KernelConfig config, T1 a1, T2 a2)
        where T1 : struct where T2 : struct =>
        device.Loaded(kernel, static (accelerator, k) => accelerator.LoadStreamKernel(k))(config, a1, a2);

    public static void Run<T1, T2, T3>(this ComputeDevice device, Action<T1, T2, T3> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3)
        where T1 : struct where T2 : struct where T3 : struct =>
        device.Loaded(kernel, static (accelerator, k) => accelerator.LoadStreamKernel(k))(config, a1, a2, a3);

    public static void Run<T1, T2, T3, T4>(this ComputeDevice device, Action<T1, T2, T3, T4> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct =>
        device.Loaded(kernel, static (accelerator, k) => accelerator.LoadStreamKernel(k))(config, a1, a2, a3, a4);

    public static void Run<T1, T2, T3, T4, T5>(this ComputeDevice device, Action<T1, T2, T3, T4, T5> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct =>
        device.Loaded(kernel, static (accelerator, k) => accelerator.LoadStreamKernel(k))(config, a1, a2, a3, a4, a5);

    public static void Run<T1, T2, T3, T4, T5, T6>(this ComputeDevice device, Action<T1, T2, T3, T4, T5, T6> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct =>
        device.Loaded(kernel, static (accelerator, k) => accelerator.LoadStreamKernel(k))(config, a1, a2, a3, a4, a5, a6);

    public static void Run<T1, T2, T3, T4, T5, T6, T7>(this ComputeDevice device, Action<T1, T2, T3, T4, T5, T6, T7> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct =>
        device.Loaded(kernel, static (accelerator, k) => accelerator.LoadStreamKernel(k))(config, a1, a2, a3, a4, a5, a6, a7);

    public static void Run<T1, T2, T3, T4, T5, T6, T7, T8>(this ComputeDevice device, Action<T1, T2, T3, T4, T5, T6, T7, T8> kernel, KernelConfig config, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8)
        where T1 : struct where T2 : struct where T3 : struct where T4 : struct where T5 : struct where T6 : struct where T7 : struct where T8 : struct =>
        device.Loaded(kernel, static (accelerator, k) => accelerator.LoadStreamKernel(k))(config, a1, a2, a3, a4, a5, a6, a7, a8);

}
