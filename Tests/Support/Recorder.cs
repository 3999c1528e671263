namespace IlgpuSiamese.Tests.Support;

/// <summary>An IProgress that keeps every report, in order, on the reporting thread.</summary>
public sealed class Recorder<T> : IProgress<T>
{
    public List<T> Items { get; } = [];

    public void Report(T value) => Items.Add(value);
}
