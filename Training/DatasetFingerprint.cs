using System.Security.Cryptography;
using IlgpuSiamese.Training.Data;

namespace IlgpuSiamese.Training;

/// <summary>A short SHA-256 over a dataset's pixels and labels: a model remembers what it was trained on.</summary>
public static class DatasetFingerprint
{
    public static string Of(DatasetSplit split)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in new[] { split.Train, split.Test })
        {
            hash.AppendData(BitConverter.GetBytes(part.Count));
            hash.AppendData(BitConverter.GetBytes(part.Height));
            hash.AppendData(BitConverter.GetBytes(part.Width));
            hash.AppendData(part.Pixels);
            foreach (var label in part.Labels)
                hash.AppendData(BitConverter.GetBytes(label));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
