using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Graft.Tensors;

/// <summary>
/// Float buffers of exact lengths, reused across training steps. A step of a fixed network asks
/// for the same lengths every time, so after the first step every request is a hit and the
/// garbage collector sees no large arrays at all. Each <see cref="GraftContext"/> reaches one
/// (by default the one of <see cref="GraftContext.Default"/>); <see cref="Current"/> is the current context's.
/// </summary>
/// <remarks>
/// <para>The pool gives memory back by idle trimming at full garbage collections: it keeps two
/// generations of free buffers, those returned since the last full (generation 2) collection and
/// those left over from the one before; at each full collection the older generation is dropped and
/// the newer one becomes the older. A buffer that no request took for a whole interval between two
/// full collections is gone after the second, so a burst (one huge batch, a model used once) is
/// returned to the runtime, while a training loop, which takes every buffer it needs each step,
/// keeps them all and stays allocation-free.</para>
/// <para>Why not a size cap: any fixed cap is wrong for some model, too small for a large network
/// (whose every step would then miss and allocate, the cost pooling exists to remove) or too large to
/// matter for a small one, and it would still hold its full size forever. Why not a timer: a library
/// should not wake a thread in an idle process. Full collections are the runtime's own signal that
/// memory is worth reclaiming: they come more often as memory fills, and not at all in a process that
/// allocates nothing, where the pool cannot be growing either. This is the policy of .NET's
/// <c>ArrayPool&lt;T&gt;.Shared</c>, which also trims at full collections.</para>
/// </remarks>
internal sealed class BufferPool
{
    /// <summary>Below this, a fresh array is cheaper than the bookkeeping.</summary>
    public const int MinPooledLength = 64;
    private const int MaxPerLength = 64;
    private volatile ConcurrentDictionary<int, ConcurrentBag<float[]>> _recent = new(), _idle = new();
    private long _misses;

    /// <param name="trimAtFullCollections">
    /// Whether full garbage collections trim the pool (the default); tests that count misses turn it
    /// off so that collections caused by other tests cannot empty the pool between two steps.
    /// </param>
    public BufferPool(bool trimAtFullCollections = true)
    {
        if (trimAtFullCollections) _ = new FullCollectionTrimmer(this);
    }

    /// <summary>The pool of <see cref="GraftContext.Current"/>.</summary>
    public static BufferPool Current => GraftContext.Current.BufferPool;

    /// <summary>Requests that found no free buffer of their length and allocated one: after a step's first run, a steady loop adds none.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    /// <summary>Bytes held in free buffers now (a snapshot, for tests and diagnostics).</summary>
    public long RetainedBytes => Bytes(_recent) + Bytes(_idle);

    /// <summary>A buffer of exactly <paramref name="length"/> floats, with arbitrary contents.</summary>
    public float[] Rent(int length)
    {
        if (TryTake(_recent, length, out var a) || TryTake(_idle, length, out a)) return a;
        Interlocked.Increment(ref _misses);
        return GC.AllocateUninitializedArray<float>(length);
    }

    /// <summary>Gives <paramref name="array"/> back for reuse; the caller must not touch it afterwards.</summary>
    public void Return(float[] array)
    {
        var bag = _recent.GetOrAdd(array.Length, _ => new ConcurrentBag<float[]>());
        if (bag.Count < MaxPerLength) bag.Add(array);
    }

    /// <summary>
    /// Drops the buffers that no request took since the previous trim, and starts a new interval.
    /// Runs after every full garbage collection; racing a rent or return is harmless (a buffer is
    /// at worst dropped or kept one interval early or late).
    /// </summary>
    public void Trim()
    {
        _idle = _recent;
        _recent = new();
    }

    /// <summary>Drops every pooled buffer.</summary>
    public void Clear()
    {
        _recent = new();
        _idle = new();
    }

    private static bool TryTake(ConcurrentDictionary<int, ConcurrentBag<float[]>> free, int length, out float[] array)
    {
        if (free.TryGetValue(length, out var bag) && bag.TryTake(out array!)) return true;
        array = null!;
        return false;
    }

    private static long Bytes(ConcurrentDictionary<int, ConcurrentBag<float[]>> free) =>
        free.Sum(p => (long)p.Key * sizeof(float) * p.Value.Count);

    /// <summary>
    /// Trims its pool after each full collection, for as long as the pool lives. An unreachable
    /// object with a finalizer is finalized after a collection of its generation, and one that
    /// re-registers itself is promoted until it lives in generation 2, so it is finalized after
    /// every full collection (the runtime's own <c>Gen2GcCallback</c> works this way). It holds
    /// the pool weakly, so that a context's pool can be collected, and then stops. The weak
    /// reference is a bare handle, not a <see cref="WeakReference{T}"/>: that is finalizable
    /// itself, and would be finalized in the same collection, before this, clearing its target.
    /// </summary>
    private sealed class FullCollectionTrimmer
    {
        private GCHandle _pool;
        private int _fullCollections = GC.CollectionCount(2);

        public FullCollectionTrimmer(BufferPool pool) => _pool = GCHandle.Alloc(pool, GCHandleType.Weak);

        ~FullCollectionTrimmer()
        {
            if (_pool.Target is not BufferPool pool)
            {
                _pool.Free();
                return;
            }
            // While young it is finalized after lesser collections too: trim only after a full one.
            int n = GC.CollectionCount(2);
            if (n != _fullCollections)
            {
                _fullCollections = n;
                pool.Trim();
            }
            GC.ReRegisterForFinalize(this);
        }
    }
}
