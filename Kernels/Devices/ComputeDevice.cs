using System.Collections.Concurrent;
using System.Reflection;
using ILGPU;
using ILGPU.Runtime;

namespace IlgpuSiamese.Kernels.Devices;

/// <summary>
/// One opened accelerator with its stream, its launch geometry and the kernels loaded on it.
/// Kernels are loaded once per device (loading costs 0.2-0.9 s) and kept.
/// </summary>
public sealed class ComputeDevice : IDisposable
{
    private readonly DeviceCatalog catalog;
    private readonly ConcurrentDictionary<Type, object> ops = new();
    private readonly ConcurrentDictionary<MethodInfo, Delegate> loaded = new();

    public DeviceInfo Info { get; }
    public Accelerator Accelerator { get; }
    public AcceleratorStream Stream => Accelerator.DefaultStream;
    public DeviceKind Kind => Info.Kind;
    public string Name => Info.Name;

    private readonly int groupSize;
    private readonly int maxGroups;

    private ComputeDevice(DeviceCatalog catalog, DeviceInfo info, Device device)
    {
        this.catalog = catalog;
        Info = info;
        Accelerator = device.CreateAccelerator(catalog.Context);
        if (info.Kind == DeviceKind.Cpu)
        {
            // Exactly one lane per OS thread: each lane strides over 1/threads of the work.
            groupSize = Accelerator.MaxNumThreadsPerGroup;
            maxGroups = Accelerator.NumMultiprocessors;
        }
        else
        {
            groupSize = Math.Min(256, Accelerator.MaxNumThreadsPerGroup);
            var resident = Math.Max(1, Accelerator.MaxNumThreadsPerMultiprocessor / groupSize);
            maxGroups = Math.Max(1, Accelerator.NumMultiprocessors * resident * 8);
        }
    }

    public static ComputeDevice Open(DeviceRequest request)
    {
        var catalog = new DeviceCatalog();
        try
        {
            var (info, device) = catalog.Resolve(request);
            return new ComputeDevice(catalog, info, device);
        }
        catch
        {
            catalog.Dispose();
            throw;
        }
    }

    public static ComputeDevice Open(string request) => Open(DeviceRequest.Parse(request));

    /// <summary>
    /// The launch for <paramref name="work"/> independent items: kernels loop
    /// <c>for (i = GridStride.Start; i &lt; work; i += GridStride.Step)</c>, so on a GPU this is one thread
    /// per item and on the CPU accelerator a handful of threads with a large share each.
    /// </summary>
    public KernelConfig Launch(long work)
    {
        var groups = (int)Math.Clamp((work + groupSize - 1) / groupSize, 1, maxGroups);
        return new KernelConfig(groups, groupSize);
    }

    /// <summary>The launch for <paramref name="work"/> items walked in runs of <see cref="GridStride.RunLength"/> (element-wise kernels).</summary>
    public KernelConfig LaunchRuns(long work) => Launch((work + GridStride.RunLength - 1) / GridStride.RunLength);

    /// <summary>
    /// The launch for <paramref name="tiles"/> register tiles, each a large piece of work (a GEMM tile runs
    /// thousands of multiply-adds). PoCL runs one work-group on one core, so groups are kept small there
    /// (8 tiles) and the tiles spread over every core; GPUs get groups of 64, the CPU accelerator its usual
    /// one lane per thread.
    /// </summary>
    public KernelConfig LaunchTiles(long tiles)
    {
        var size = Kind switch
        {
            DeviceKind.Cpu => groupSize,
            DeviceKind.OpenCL when Info.Type == "CPU" => Math.Min(8, groupSize),
            _ => Math.Min(64, groupSize),
        };
        var groups = (int)Math.Clamp((tiles + size - 1) / size, 1, Kind == DeviceKind.Cpu ? maxGroups : int.MaxValue / size);
        return new KernelConfig(groups, size);
    }

    /// <summary>
    /// The launch of <see cref="Ops.GemmKernels.GemmSharedTiles"/> for a product: one group per block of C, groups as
    /// large as this device allows up to 16×16 threads.
    /// </summary>
    public (KernelConfig Config, Ops.SharedTileShape Tiles) LaunchSharedTiles(Ops.GemmShape s)
    {
        var tiles = new Ops.SharedTileShape(Ops.SharedTileShape.SideFor(Accelerator.MaxNumThreadsPerGroup), s);
        return (new KernelConfig(Math.Max(1, tiles.Blocks), tiles.Threads), tiles);
    }

    /// <summary>The object of one operation on this device (with its scratch buffers), created on first use; disposed with the device.</summary>
    public T Op<T>(Func<ComputeDevice, T> create) where T : class =>
        (T)ops.GetOrAdd(typeof(T), _ => create(this));

    /// <summary>Whether <paramref name="kernel"/> is loaded on this device: its code generated already.</summary>
    public bool HasLoaded(Delegate kernel) => loaded.ContainsKey(kernel.Method);

    /// <summary>The kernels this device has loaded so far: what a run of checks reached.</summary>
    public IReadOnlyCollection<System.Reflection.MethodInfo> LoadedKernels => [.. loaded.Keys];

    /// <summary>The launcher of one kernel on this device, loaded on its first use: <see cref="KernelRunner"/>.</summary>
    internal TLauncher Loaded<TKernel, TLauncher>(TKernel kernel, Func<Accelerator, TKernel, TLauncher> load)
        where TKernel : Delegate where TLauncher : Delegate =>
        (TLauncher)loaded.GetOrAdd(kernel.Method, static (_, state) => state.load(state.accelerator, state.kernel),
            (accelerator: Accelerator, kernel, load));

    private long bytesAllocated;
    private readonly List<(WeakReference<MemoryBuffer> Buffer, long Bytes)> liveBuffers = [];

    /// <summary>
    /// Bytes of every buffer allocated through <see cref="Allocate{T}"/> (and its float and int forms) since
    /// the device was opened: a running total that freeing does not lower.
    /// </summary>
    public long BytesAllocated => Interlocked.Read(ref bytesAllocated);

    /// <summary>
    /// Bytes of the buffers allocated through <see cref="Allocate{T}"/> that are not disposed yet, whoever
    /// disposes them: what this device holds now (benchmarks report it, and it against the batch size).
    /// </summary>
    public long BytesInUse
    {
        get
        {
            lock (liveBuffers)
            {
                liveBuffers.RemoveAll(b => !b.Buffer.TryGetTarget(out var buffer) || buffer.IsDisposed);
                return liveBuffers.Sum(b => b.Bytes);
            }
        }
    }

    /// <summary>A buffer of <paramref name="length"/> elements, counted in <see cref="BytesAllocated"/> and <see cref="BytesInUse"/>. Not zeroed.</summary>
    public MemoryBuffer1D<T, Stride1D.Dense> Allocate<T>(long length) where T : unmanaged
    {
        var buffer = Accelerator.Allocate1D<T>(length);
        Interlocked.Add(ref bytesAllocated, buffer.LengthInBytes);
        lock (liveBuffers)
            liveBuffers.Add((new WeakReference<MemoryBuffer>(buffer), buffer.LengthInBytes));
        return buffer;
    }

    public MemoryBuffer1D<float, Stride1D.Dense> Allocate(long length) => Allocate<float>(length);

    public MemoryBuffer1D<int, Stride1D.Dense> AllocateInt(long length) => Allocate<int>(length);

    public void Synchronize() => Stream.Synchronize();

    public override string ToString() => $"{Info.Id} ({Name})";

    public void Dispose()
    {
        foreach (var op in ops.Values.OfType<IDisposable>())
            op.Dispose();
        ops.Clear();
        Accelerator.Dispose();
        catalog.Dispose();
    }
}
