using System.Collections.Concurrent;

namespace Graft.Tensors;

/// <summary>
/// Float buffers of exact lengths, reused across training steps. A step of a fixed network asks
/// for the same lengths every time, so after the first step every request is a hit and the
/// garbage collector sees no large arrays at all. Each <see cref="GraftContext"/> reaches one
/// (by default the one of <see cref="GraftContext.Default"/>); <see cref="Current"/> is the current context's.
/// </summary>
internal sealed class BufferPool
{
    /// <summary>Below this, a fresh array is cheaper than the bookkeeping.</summary>
    public const int MinPooledLength = 64;
    private const int MaxPerLength = 64;
    private readonly ConcurrentDictionary<int, ConcurrentBag<float[]>> _free = new();
    private long _misses;

    /// <summary>The pool of <see cref="GraftContext.Current"/>.</summary>
    public static BufferPool Current => GraftContext.Current.BufferPool;

    /// <summary>Requests that found no free buffer of their length and allocated one: after a step's first run, a steady loop adds none.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    public float[] Rent(int length)
    {
        if (_free.TryGetValue(length, out var bag) && bag.TryTake(out var a)) return a;
        Interlocked.Increment(ref _misses);
        return GC.AllocateUninitializedArray<float>(length);
    }

    public void Return(float[] array)
    {
        var bag = _free.GetOrAdd(array.Length, _ => new ConcurrentBag<float[]>());
        if (bag.Count < MaxPerLength) bag.Add(array);
    }

    /// <summary>Drops every pooled buffer.</summary>
    public void Clear() => _free.Clear();
}
