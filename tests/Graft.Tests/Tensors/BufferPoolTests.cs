using Graft.Tensors;

namespace Graft.Tests.Tensors;

/// <summary>
/// <see cref="BufferPool"/> gives back the memory of a burst once it sits unused across two full
/// collections, and keeps what a steady loop uses.
/// </summary>
public class BufferPoolTests
{
    /// <summary>Rents and returns <paramref name="count"/> buffers of each length at once, as one big batch would.</summary>
    private static void Burst(BufferPool pool, int[] lengths, int count)
    {
        var held = lengths.SelectMany(n => Enumerable.Range(0, count).Select(_ => pool.Rent(n))).ToList();
        foreach (var a in held) pool.Return(a);
    }

    /// <summary>One training step's worth: two buffers of one length and one of another, held together.</summary>
    private static void Step(BufferPool pool)
    {
        float[] a = pool.Rent(1000), b = pool.Rent(1000), c = pool.Rent(4096);
        pool.Return(a); pool.Return(b); pool.Return(c);
    }

    [Fact]
    public void ABurstIsDroppedAtTheSecondTrimAndASteadyLoopKeepsItsBuffers()
    {
        var pool = new BufferPool(trimAtFullCollections: false);
        Step(pool);
        long stepBytes = (2 * 1000 + 4096) * sizeof(float);
        Burst(pool, [1000, 50_000, 123_456], 8);
        long burstBytes = (8 * 1000 + 8 * 50_000 + 8 * 123_456) * sizeof(float);
        Assert.Equal(burstBytes + 4096 * sizeof(float), pool.RetainedBytes);   // two of the burst's 1000s were the step's

        long misses = pool.Misses;
        for (int i = 0; i < 3; i++)
        {
            pool.Trim();
            Step(pool);
        }
        Assert.Equal(misses, pool.Misses);              // every step after a trim still hits
        Assert.Equal(stepBytes, pool.RetainedBytes);    // and only what the steps take is left
    }

    [Fact]
    public void OneTrimKeepsABurstForTheNextInterval()
    {
        var pool = new BufferPool(trimAtFullCollections: false);
        Burst(pool, [5000], 4);
        pool.Trim();
        long misses = pool.Misses;
        Burst(pool, [5000], 4);                         // reused across one trim: no new allocation
        Assert.Equal(misses, pool.Misses);
        pool.Trim();
        pool.Trim();
        Assert.Equal(0, pool.RetainedBytes);
        pool.Rent(5000);
        Assert.Equal(misses + 1, pool.Misses);
    }

    [Fact]
    public void FullCollectionsGiveABurstBack()
    {
        // The pool trims itself: without any call from the test, full collections return the burst.
        var pool = new BufferPool();
        Burst(pool, [20_000, 300_000], 16);
        Assert.True(pool.RetainedBytes > 0);
        for (int i = 0; i < 20 && pool.RetainedBytes > 0; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.Equal(0, pool.RetainedBytes);
    }

    [Fact]
    public void APoolThatIsNoLongerReachableIsCollected()
    {
        // Its trimmer holds it weakly: a scoped context's pool goes away with the context. (IsAlive,
        // not TryGetTarget: a target read into a local here would keep the pool alive.)
        var weak = MakePool();
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Assert.False(weak.IsAlive);

        static WeakReference MakePool()
        {
            var pool = new BufferPool();
            Burst(pool, [10_000], 2);
            return new(pool);
        }
    }
}
