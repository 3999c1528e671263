using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Network;
using IlgpuSiamese.Kernels;
using IlgpuSiamese.Training;

namespace IlgpuSiamese.Cli;

/// <summary>0 success, 1 bad input (one clear line on stderr), 2 usage, 130 interrupted by Ctrl+C.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int BadInput = 1;
    public const int Usage = 2;
    public const int Interrupted = 130;

    public static int Run(Func<int> command)
    {
        try
        {
            return command();
        }
        catch (Exception e) when (UserFacing(e) is { } message)
        {
            Console.Error.WriteLine($"error: {message}");
            return e.GetBaseException() is UsageException ? Usage : BadInput;
        }
    }

    private static string? UserFacing(Exception e) => e switch
    {
        UserInputException or FormatException => e.Message,
        DeviceRequestException device => DeviceMessage(device),
        AggregateException or TypeInitializationException when e.GetBaseException() is UserInputException inner => inner.Message,
        AggregateException or TypeInitializationException when e.GetBaseException() is DeviceRequestException inner => DeviceMessage(inner),
        _ => null,
    };

    /// <summary>A <c>--device</c> the machine cannot meet; with no device of that kind at all, where to look.</summary>
    private static string DeviceMessage(DeviceRequestException e) =>
        e.NoDeviceOfKind ? $"{e.Message} Run 'siamese devices' to see what is available." : e.Message;
}
