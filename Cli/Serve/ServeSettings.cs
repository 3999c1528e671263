namespace IlgpuSiamese.Cli.Serve;

/// <summary>The limits of <c>siamese serve</c>: how requests are batched on the device, and what a request may take.</summary>
/// <param name="MaxBatch">The most pairs (or images) one device call takes.</param>
/// <param name="BatchWait">How long the first request of a batch waits for others to join it.</param>
/// <param name="QueueLimit">The most requests waiting for the device; one more is refused with 503 and Retry-After.</param>
/// <param name="MaxUploadBytes">The largest request body; a larger one is refused with 413.</param>
/// <param name="RequestTimeout">The longest a request may take, from its first byte to its answer; then 504.</param>
/// <param name="PreparedImages">How many prepared uploads are kept to be found again by their bytes (<see cref="PreparedCache"/>); 0 keeps none.</param>
public sealed record ServeSettings(int MaxBatch, TimeSpan BatchWait, int QueueLimit, long MaxUploadBytes, TimeSpan RequestTimeout, int PreparedImages)
{
    public static readonly ServeSettings Default = new(64, TimeSpan.FromMilliseconds(2), 1024, 16L << 20, TimeSpan.FromSeconds(30), 1024);
}
