using System.Reflection;
using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Network;
using IlgpuSiamese.Training.Data;
using IlgpuSiamese.Training.Models;

namespace IlgpuSiamese;

/// <summary>
/// A trained siamese model on a compute device: embeds images and compares pairs of them, one at a time or in batches.
/// Safe for concurrent callers: images are prepared on the caller's thread, and the device runs one batch at a time.
/// Errors a caller can cause (an unreadable image, one without ink, a wrong model file) are <see cref="UserInputException"/>s
/// whose message names the image or file and the cause.
/// </summary>
/// <example>
/// <code>
/// using var model = SiameseModel.LoadBundled();
/// var result = model.Compare(SiameseImage.FromFile("a.png"), SiameseImage.FromFile("b.png"));
/// Console.WriteLine($"{result.Similarity:0.0000} {(result.Same ? "same" : "different")}");
/// </code>
/// </example>
public sealed class SiameseModel : IDisposable
{
    /// <summary>The name the bundled model goes by: MNIST digits, trained by <c>siamese train --augment</c>.</summary>
    public const string BundledName = "mnist.siamese (bundled)";

    private readonly ComputeDevice device;
    private readonly LoadedModel loaded;
    private readonly Lock deviceTurn = new();
    private volatile bool disposed;

    private SiameseModel(string name, Func<SavedModel> read, string deviceRequest)
    {
        var request = DeviceRequest.Parse(deviceRequest);
        var saved = read();
        device = ComputeDevice.Open(request);
        try
        {
            loaded = new LoadedModel(name, saved, device);
        }
        catch
        {
            device.Dispose();
            throw;
        }
        DeviceAdvice = device.Kind == DeviceKind.Cpu && request.IsAuto ? CpuAcceleratorAdvice : null;
    }

    /// <summary>Loads a model file written by <c>siamese train</c> onto a device.</summary>
    /// <param name="path">The <c>.siamese</c> file.</param>
    /// <param name="device">As <c>--device</c> takes it: <c>auto</c> (CUDA, else OpenCL, else ILGPU's CPU accelerator), <c>cuda</c>, <c>opencl</c>, <c>cpu</c>, or one of those with <c>:N</c> for the N-th such device.</param>
    /// <exception cref="UserInputException">The file is missing, is not a model, or holds a model this engine cannot run.</exception>
    /// <exception cref="FormatException"><paramref name="device"/> is not one of those.</exception>
    /// <exception cref="DeviceRequestException">This machine has no such device, or cannot use it.</exception>
    public static SiameseModel Load(string path, string device = "auto") => new(path, () => ModelFile.Load(path), device);

    /// <summary>Loads the model that ships inside this library: MNIST digits, 99.5% on MNIST's test pairs.</summary>
    /// <param name="device">As in <see cref="Load"/>.</param>
    /// <exception cref="FormatException"><paramref name="device"/> is not one <see cref="Load"/> takes.</exception>
    /// <exception cref="DeviceRequestException">This machine has no such device, or cannot use it.</exception>
    public static SiameseModel LoadBundled(string device = "auto") => new(BundledName, ReadBundled, device);

    /// <summary>The model's path, or <see cref="BundledName"/>.</summary>
    public string Name => loaded.Path;

    /// <summary>The device it runs on, as <c>siamese devices</c> lists it.</summary>
    public string DeviceName => device.Name;

    /// <summary>Which kind of accelerator that is.</summary>
    public DeviceKind DeviceKind => device.Kind;

    /// <summary>
    /// Null, or advice for a caller that asked for <c>auto</c> and got ILGPU's CPU accelerator: no CUDA or OpenCL device
    /// was found, and installing PoCL (OpenCL on the CPU) makes the model about 20x faster.
    /// </summary>
    public string? DeviceAdvice { get; }

    /// <summary>Similarity at or above which two images are called the same.</summary>
    public double Threshold => loaded.Header.Threshold;

    /// <summary>The length of an embedding.</summary>
    public int EmbeddingSize => loaded.Network.EmbeddingSize;

    /// <summary>Rows of the model's input image.</summary>
    public int InputHeight => loaded.Input.Height;

    /// <summary>Pixels in a row of the model's input image.</summary>
    public int InputWidth => loaded.Input.Width;

    /// <summary>How images are made into inputs unless a call says otherwise: the one the model was trained for.</summary>
    public ImagePreparation Preparation => loaded.Header.InputPreparation;

    /// <summary>The image as the model will see it. Runs on the calling thread; the device is not used.</summary>
    /// <param name="image">The image.</param>
    /// <param name="preparation">How to make it an input; the model's own <see cref="Preparation"/> when null.</param>
    /// <param name="invert">Whether to invert it to light ink on dark; auto inverts dark ink on light paper.</param>
    /// <exception cref="UserInputException">The image cannot be read, is too large, or holds no ink.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public PreparedImage Prepare(SiameseImage image, ImagePreparation? preparation = null, InvertMode invert = InvertMode.Auto)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return new(image.Name, InputHeight, InputWidth, image.Prepare(InputHeight, InputWidth, preparation ?? Preparation, invert));
    }

    /// <summary>One image's embedding.</summary>
    /// <param name="image">The image, prepared as the model's <see cref="Preparation"/> says.</param>
    public float[] Embed(SiameseImage image) => Embed([Prepare(image)])[0];

    /// <summary>Each image's embedding, in order, in device batches.</summary>
    /// <param name="images">The images, prepared as the model's <see cref="Preparation"/> says.</param>
    public float[][] Embed(IReadOnlyList<SiameseImage> images) => Embed(images.Select(i => Prepare(i)).ToList());

    /// <summary>Each prepared image's embedding, in order, in device batches.</summary>
    /// <param name="images">Images from <see cref="Prepare"/>.</param>
    public float[][] Embed(IReadOnlyList<PreparedImage> images)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (images.Count == 0)
            return [];
        var set = AsSet(images);
        var flat = OnDevice(() => loaded.Embeddings(set));
        return Enumerable.Range(0, images.Count).Select(i => flat.AsSpan(i * EmbeddingSize, EmbeddingSize).ToArray()).ToArray();
    }

    /// <summary>How alike two images are, and whether the model calls them the same.</summary>
    /// <param name="first">One image.</param>
    /// <param name="second">The other.</param>
    public Comparison Compare(SiameseImage first, SiameseImage second) => Compare([(Prepare(first), Prepare(second))])[0];

    /// <summary>Each pair's comparison, in order, in device batches.</summary>
    /// <param name="pairs">The pairs of images.</param>
    public Comparison[] Compare(IReadOnlyList<(SiameseImage First, SiameseImage Second)> pairs) =>
        Compare(pairs.Select(p => (Prepare(p.First), Prepare(p.Second))).ToList());

    /// <summary>Each prepared pair's comparison, in order, in device batches: what a server calls with the requests it gathered.</summary>
    /// <param name="pairs">Pairs of images from <see cref="Prepare"/>.</param>
    public Comparison[] Compare(IReadOnlyList<(PreparedImage First, PreparedImage Second)> pairs) =>
        Compare(pairs.SelectMany(p => new[] { p.First, p.Second }).ToList(), Enumerable.Range(0, pairs.Count).Select(p => (2 * p, 2 * p + 1)).ToList());

    /// <summary>
    /// Pairs drawn from one list of prepared images, each pair two positions in it, in order, in device batches:
    /// an image that is in many pairs is prepared and copied to the device once.
    /// </summary>
    /// <param name="images">Images from <see cref="Prepare"/>.</param>
    /// <param name="pairs">Positions in <paramref name="images"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A position is not in <paramref name="images"/>.</exception>
    public Comparison[] Compare(IReadOnlyList<PreparedImage> images, IReadOnlyList<(int First, int Second)> pairs)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (pairs.Any(p => (uint)p.First >= (uint)images.Count || (uint)p.Second >= (uint)images.Count))
            throw new ArgumentOutOfRangeException(nameof(pairs), $"every position must be in 0..{images.Count - 1}");
        if (pairs.Count == 0)
            return [];
        var set = new PairSet(pairs.Select(p => p.First).ToArray(), pairs.Select(p => p.Second).ToArray(), new float[pairs.Count]);
        var onDevice = AsSet(images);
        var scores = OnDevice(() => loaded.Similarities(onDevice, set));
        return scores.Select(s => new Comparison(s, s >= Threshold, Threshold)).ToArray();
    }

    /// <summary>Frees the device and its buffers. Calls in flight finish first.</summary>
    public void Dispose()
    {
        lock (deviceTurn)
        {
            if (disposed)
                return;
            disposed = true;
            loaded.Dispose();
            device.Dispose();
        }
    }

    private const string CpuAcceleratorAdvice =
        "no CUDA or OpenCL device was found, so the model runs on ILGPU's CPU accelerator; PoCL, OpenCL on the CPU, is about 20x faster " +
        "(Debian/Ubuntu: apt-get install pocl-opencl-icd ocl-icd-libopencl1)";

    /// <summary>Other work on this model's device (the CLI's t-SNE map), in its turn with the model's own.</summary>
    internal T OnDevice<T>(Func<ComputeDevice, T> work) => OnDevice(() => work(device));

    private T OnDevice<T>(Func<T> work)
    {
        lock (deviceTurn)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            return work();
        }
    }

    private LabelledImages AsSet(IReadOnlyList<PreparedImage> images) => PreparedImage.Stack(images, InputHeight, InputWidth);

    private static SavedModel ReadBundled()
    {
        using var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream("IlgpuSiamese.mnist.siamese")
            ?? throw new InvalidOperationException("the bundled model is missing from this build of the library");
        using var bytes = new MemoryStream();
        resource.CopyTo(bytes);
        return ModelFile.Read(bytes.ToArray(), BundledName);
    }
}
