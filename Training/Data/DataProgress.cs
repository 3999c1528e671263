namespace IlgpuSiamese.Training.Data;

/// <summary>How far one long step (a download, a checksum, reading an image folder) has come. Total is 0 when unknown.</summary>
public readonly record struct DataProgress(string Task, long Done, long Total);
