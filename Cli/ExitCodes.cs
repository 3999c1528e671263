using IlgpuSiamese.Kernels.Devices;
using IlgpuSiamese.Network;
using IlgpuSiamese.Kernels;
using IlgpuSiamese.Training;
using IlgpuSiamese.Training.Storage;

namespace IlgpuSiamese.Cli;

/// <summary>
/// 0 success, 1 bad input or a failure of the machine's storage (one clear line on stderr), 2 usage, 70 a defect
/// of ours (one line, asking for a report), 129/130/143 stopped by SIGHUP, Ctrl+C (SIGINT) or SIGTERM.
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int BadInput = 1;
    public const int Usage = 2;
    public const int Internal = 70;
    public const int Hangup = 129;
    public const int Interrupted = 130;
    public const int Terminated = 143;

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
        catch (Exception e)
        {
            Console.Error.WriteLine($"error: internal error ({e.GetType().Name}: {e.Message}); this is a defect of siamese: please report it with the command you ran.");
            return Internal;
        }
    }

    private static string? UserFacing(Exception e) => e switch
    {
        UserInputException or FormatException => e.Message,
        DeviceRequestException device => DeviceMessage(device),
        AggregateException or TypeInitializationException when e.GetBaseException() is UserInputException inner => inner.Message,
        AggregateException or TypeInitializationException when e.GetBaseException() is DeviceRequestException inner => DeviceMessage(inner),
        // A storage failure that no command turned into a StorageException: .NET's own message names the path.
        _ when StorageException.IsStorageFailure(e) => e.Message,
        _ => null,
    };

    /// <summary>A <c>--device</c> the machine cannot meet; with no device of that kind at all, where to look.</summary>
    private static string DeviceMessage(DeviceRequestException e) =>
        e.NoDeviceOfKind ? $"{e.Message} Run 'siamese devices' to see what is available." : e.Message;
}
