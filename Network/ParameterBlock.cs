using ILGPU;
using ILGPU.Runtime;
using IlgpuSiamese.Kernels.Devices;

namespace IlgpuSiamese.Network;

/// <summary>One parameter tensor: a slice of the block's value, gradient and Adam-moment buffers.</summary>
public sealed class Parameter(ParameterBlock block, string name, int offset, int length, int fanIn, int fanOut, bool isBias, bool nonPositive = false)
{
    internal bool NonPositive { get; } = nonPositive;
    public string Name { get; } = name;
    public int Offset { get; } = offset;
    public int Length { get; } = length;
    internal int FanIn { get; } = fanIn;
    internal int FanOut { get; } = fanOut;
    internal bool IsBias { get; } = isBias;

    public ArrayView<float> Value => block.Values.SubView(Offset, Length);
    public ArrayView<float> Gradient => block.Gradients.SubView(Offset, Length);
}

/// <summary>
/// Every trainable number of a network, owned once (as llm.c does): four buffers of equal length
/// (values, gradients, Adam's first and second moments) and each <see cref="Parameter"/> a view into
/// them. Both twin branches read the same values and add into the same gradients; zeroing and the
/// optimiser step are one launch each over the whole block.
/// </summary>
public sealed class ParameterBlock : IDisposable
{
    private readonly List<Parameter> parameters = [];
    private MemoryBuffer1D<float, Stride1D.Dense>? values, gradients, firstMoments, secondMoments;

    public IReadOnlyList<Parameter> Parameters => parameters;
    public int Length { get; private set; }

    public ArrayView<float> Values => Allocated(values).View;
    public ArrayView<float> Gradients => Allocated(gradients).View;
    public ArrayView<float> FirstMoments => Allocated(firstMoments).View;
    public ArrayView<float> SecondMoments => Allocated(secondMoments).View;

    /// <summary>
    /// Reserves a weight tensor, initialised Glorot-uniform from its fans (Keras' default); with
    /// <paramref name="nonPositive"/> the draw is folded to its negative half.
    /// </summary>
    public Parameter AddWeight(string name, int length, int fanIn, int fanOut, bool nonPositive = false) =>
        Add(new Parameter(this, name, Length, length, fanIn, fanOut, isBias: false, nonPositive));

    /// <summary>Reserves a bias vector, initialised to zero.</summary>
    public Parameter AddBias(string name, int length) => Add(new Parameter(this, name, Length, length, 0, 0, isBias: true));

    private Parameter Add(Parameter parameter)
    {
        if (values is not null)
            throw new InvalidOperationException("parameters are added before the block is allocated");
        parameters.Add(parameter);
        Length += parameter.Length;
        return parameter;
    }

    /// <summary>Allocates the four buffers, fills values from a seeded Glorot-uniform draw and zeroes the rest.</summary>
    public void Allocate(ComputeDevice device, int seed)
    {
        values = device.Allocate(Length);
        gradients = device.Allocate(Length);
        firstMoments = device.Allocate(Length);
        secondMoments = device.Allocate(Length);
        Upload(InitialValues(seed));
        gradients.MemSetToZero();
        firstMoments.MemSetToZero();
        secondMoments.MemSetToZero();
    }

    public float[] InitialValues(int seed)
    {
        var random = new Random(seed);
        var initial = new float[Length];
        foreach (var p in parameters.Where(p => !p.IsBias))
        {
            var limit = Math.Sqrt(6.0 / (p.FanIn + p.FanOut));
            for (var i = 0; i < p.Length; i++)
            {
                var draw = (random.NextDouble() * 2 - 1) * limit;
                initial[p.Offset + i] = (float)(p.NonPositive ? -Math.Abs(draw) : draw);
            }
        }
        return initial;
    }

    public float[] Download(ArrayView<float> view)
    {
        var host = new float[view.Length];
        view.CopyToCPU(host);
        return host;
    }

    public void Upload(float[] newValues)
    {
        if (newValues.Length != Length)
            throw new ArgumentException($"expected {Length} parameter values, got {newValues.Length}");
        Values.CopyFromCPU(newValues);
    }

    public void Dispose()
    {
        values?.Dispose();
        gradients?.Dispose();
        firstMoments?.Dispose();
        secondMoments?.Dispose();
    }

    private static MemoryBuffer1D<float, Stride1D.Dense> Allocated(MemoryBuffer1D<float, Stride1D.Dense>? buffer) =>
        buffer ?? throw new InvalidOperationException("the parameter block is not allocated yet");
}
