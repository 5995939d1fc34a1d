using System.Collections.Concurrent;

namespace Graft.Tensors;

/// <summary>
/// Float buffers of exact lengths, reused across training steps. A step of a fixed network asks
/// for the same lengths every time, so after the first step every request is a hit and the
/// garbage collector sees no large arrays at all.
/// </summary>
internal static class BufferPool
{
    /// <summary>Below this, a fresh array is cheaper than the bookkeeping.</summary>
    public const int MinPooledLength = 64;
    private const int MaxPerLength = 64;
    private static readonly ConcurrentDictionary<int, ConcurrentBag<float[]>> s_free = new();
    private static long s_misses;

    /// <summary>Requests that found no free buffer of their length and allocated one: after a step's first run, a steady loop adds none.</summary>
    public static long Misses => Interlocked.Read(ref s_misses);

    public static float[] Rent(int length)
    {
        if (s_free.TryGetValue(length, out var bag) && bag.TryTake(out var a)) return a;
        Interlocked.Increment(ref s_misses);
        return GC.AllocateUninitializedArray<float>(length);
    }

    public static void Return(float[] array)
    {
        var bag = s_free.GetOrAdd(array.Length, _ => new ConcurrentBag<float[]>());
        if (bag.Count < MaxPerLength) bag.Add(array);
    }

    /// <summary>Drops every pooled buffer (tests, or after a model is done training).</summary>
    public static void Clear() => s_free.Clear();
}
