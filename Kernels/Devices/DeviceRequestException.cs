namespace IlgpuSiamese.Kernels.Devices;

/// <summary>A <see cref="DeviceRequest"/> this machine cannot meet: no such device, or one that cannot be used.</summary>
/// <param name="message">What was asked for and why it cannot be had.</param>
/// <param name="noDeviceOfKind">True when the machine has no device of the requested kind at all.</param>
public sealed class DeviceRequestException(string message, bool noDeviceOfKind = false) : ArgumentException(message)
{
    /// <summary>The machine has no device of the requested kind at all (a list of what it has helps).</summary>
    public bool NoDeviceOfKind { get; } = noDeviceOfKind;
}
