using System.Security.Cryptography;

namespace IlgpuSiamese.Cli.Serve;

/// <summary>
/// The images the server has prepared, by the SHA-256 of their uploaded bytes, so that an image uploaded again (a
/// reference compared with many others) is decoded and prepared once, as <c>compare --pairs</c> prepares each distinct
/// file once. Preparing a photo costs about a millisecond of CPU, several times the device's share of a pair. At most
/// <c>capacity</c> images are kept (about 1 KB each for 28x28 inputs); the least recently used goes first. Capacity 0 keeps none.
/// </summary>
public sealed class PreparedCache(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<(string Key, PreparedImage Image)>> entries = [];
    private readonly LinkedList<(string Key, PreparedImage Image)> recency = [];
    private readonly Lock guard = new();
    private long hits, misses;

    /// <summary>The prepared image of <paramref name="bytes"/>, from the cache or made now by <paramref name="prepare"/> (whose failures are not kept).</summary>
    public PreparedImage GetOrPrepare(byte[] bytes, Func<PreparedImage> prepare)
    {
        if (capacity == 0)
        {
            Interlocked.Increment(ref misses);
            return prepare();
        }
        var key = Convert.ToHexString(SHA256.HashData(bytes));
        lock (guard)
        {
            if (entries.TryGetValue(key, out var node))
            {
                recency.Remove(node);
                recency.AddFirst(node);
                Interlocked.Increment(ref hits);
                return node.Value.Image;
            }
            Interlocked.Increment(ref misses);
        }
        var image = prepare();
        lock (guard)
        {
            if (!entries.ContainsKey(key))
            {
                entries[key] = recency.AddFirst((key, image));
                if (entries.Count > capacity)
                {
                    entries.Remove(recency.Last!.Value.Key);
                    recency.RemoveLast();
                }
            }
        }
        return image;
    }

    /// <summary>Uploads found prepared, uploads prepared, and the images kept.</summary>
    public (long Hits, long Misses, int Entries) Counters
    {
        get
        {
            lock (guard)
                return (Interlocked.Read(ref hits), Interlocked.Read(ref misses), entries.Count);
        }
    }
}
