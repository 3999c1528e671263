using IlgpuSiamese.Network;
using IlgpuSiamese.Kernels;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Training.Models;

/// <summary>--resume continues on the data the checkpoint was trained on: its dataset fingerprint must match.</summary>
public static class ResumedData
{
    public const string OverrideOption = "--allow-other-data";

    public static void RequireSame(SavedModel checkpoint, string path, DatasetSplit data)
    {
        var fingerprint = DatasetFingerprint.Of(data);
        if (fingerprint != checkpoint.Header.DatasetFingerprint)
            throw new UserInputException(
                $"{path}: the checkpoint was trained on {checkpoint.Header.DatasetName} (fingerprint {checkpoint.Header.DatasetFingerprint}), " +
                $"this data ({data.Train.Name}) has fingerprint {fingerprint}: resume on the same data, or add {OverrideOption} to continue on this data.");
    }
}
