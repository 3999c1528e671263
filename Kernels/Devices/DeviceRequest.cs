namespace IlgpuSiamese.Kernels.Devices;

/// <summary>
/// What the user asked for with <c>--device</c>: <c>auto</c>, <c>cuda</c>, <c>opencl</c> or <c>cpu</c>,
/// optionally followed by an index among the devices of that kind (<c>opencl:1</c>).
/// </summary>
public readonly record struct DeviceRequest(DeviceKind? Kind, int Index)
{
    public static DeviceRequest Auto => new(null, 0);

    public bool IsAuto => Kind is null;

    public static DeviceRequest Parse(string text)
    {
        var value = text.Trim().ToLowerInvariant();
        var index = 0;
        var colon = value.IndexOf(':');
        if (colon >= 0)
        {
            if (!int.TryParse(value[(colon + 1)..], out index) || index < 0)
                throw new FormatException($"'{text}': the device index after ':' must be a non-negative integer.");
            value = value[..colon];
        }
        DeviceKind? kind = value switch
        {
            "auto" => null,
            "cuda" => DeviceKind.Cuda,
            "opencl" => DeviceKind.OpenCL,
            "cpu" => DeviceKind.Cpu,
            _ => throw new FormatException($"'{text}' is not a device: use auto, cuda, opencl or cpu, with an optional index (opencl:1)."),
        };
        if (kind is null && colon >= 0)
            throw new FormatException($"'{text}': 'auto' takes no index.");
        return new DeviceRequest(kind, index);
    }

    public override string ToString() => Kind switch
    {
        null => "auto",
        { } k => $"{k.ToString().ToLowerInvariant()}:{Index}",
    };
}
