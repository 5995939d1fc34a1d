using Graft.Datasets;
using Graft.Tensors;

namespace Graft.Tests.Datasets;

/// <summary>Dataset stages: what each pass yields, in what order, and how much is read ahead.</summary>
public class DatasetTests
{
    private static Tensor Range(int n, int width = 1) =>
        Tensor.FromArray(Enumerable.Range(0, n * width).Select(i => (float)(i / width)).ToArray(), n, width);

    /// <summary>The first value of each sample of a tensor.</summary>
    private static float[] Rows(Tensor t)
    {
        var d = t.ToArray();
        int per = t.Rank == 0 ? 1 : t.Size / t.Shape[0];
        return Enumerable.Range(0, d.Length / per).Select(i => d[i * per]).ToArray();
    }

    [Fact]
    public void BatchStacksSlicesAndKeepsOrDropsTheRemainder()
    {
        var ds = Dataset.FromTensorSlices(Range(10, 3), Range(10)).Batch(4);
        Assert.Equal(3, ds.Cardinality);
        var batches = ds.ToList();
        Assert.Equal([4, 4, 2], batches.Select(b => b.X.Shape[0]));
        Assert.Equal(new Shape(4, 3), batches[0].X.Shape);
        Assert.Equal(new Shape(2, 1), batches[2].Y.Shape);
        Assert.Equal([8f, 8f, 8f, 9f, 9f, 9f], batches[2].X.ToArray());
        var dropped = Dataset.FromTensorSlices(Range(10, 3)).Batch(4, dropRemainder: true);
        Assert.Equal(2, dropped.Cardinality);
        Assert.Equal(2, dropped.Count());
    }

    [Fact]
    public void BatchRefusesElementsOfDifferentShapesAndNonTensorElements()
    {
        var ragged = Dataset.FromEnumerable(new[] { Tensor.Zeros(2, 3), Tensor.Zeros(2, 4) }).Batch(2);
        var ex = Assert.Throws<ArgumentException>(() => ragged.ToList());
        Assert.Contains("(2, 3)", ex.Message);
        Assert.Contains("(2, 4)", ex.Message);
        Assert.Contains("Dataset.Batch", ex.Message);
        Assert.Contains("String", Assert.Throws<NotSupportedException>(() => Dataset.FromEnumerable(new[] { "a" }).Batch(2)).Message);
    }

    [Fact]
    public void ShuffleIsASeededPermutationThatChangesEachPass()
    {
        var ds = Dataset.FromTensorSlices(Range(50)).Shuffle(50, seed: 7);
        var first = ds.SelectMany(Rows).ToArray();
        var second = ds.SelectMany(Rows).ToArray();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (float)i), first.Order());
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (float)i), second.Order());
        Assert.NotEqual(first, second);
        Assert.NotEqual(Enumerable.Range(0, 50).Select(i => (float)i), first);
        // The same seed gives the same sequence of orders in a new dataset.
        var again = Dataset.FromTensorSlices(Range(50)).Shuffle(50, seed: 7);
        Assert.Equal(first, again.SelectMany(Rows).ToArray());
        Assert.Equal(second, again.SelectMany(Rows).ToArray());
        var fixedOrder = Dataset.FromTensorSlices(Range(50)).Shuffle(50, seed: 7, reshuffleEachIteration: false);
        Assert.Equal(fixedOrder.SelectMany(Rows), fixedOrder.SelectMany(Rows));
    }

    [Fact]
    public void ShuffleMovesElementsOnlyWithinItsBuffer()
    {
        // With a buffer of 3, element i can come out no earlier than position i - 2.
        var order = Dataset.FromTensorSlices(Range(40)).Shuffle(3, seed: 1).SelectMany(Rows).ToArray();
        for (int pos = 0; pos < order.Length; pos++) Assert.True(order[pos] <= pos + 2, $"element {order[pos]} at position {pos}");
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (float)i), Dataset.FromTensorSlices(Range(40)).Shuffle(1, seed: 1).SelectMany(Rows));
    }

    [Fact]
    public void ParallelMapKeepsTheOrderAndReportsTheError()
    {
        var ds = Dataset.FromEnumerable(Enumerable.Range(0, 100).ToArray()).Map(i => i * i, numParallelCalls: 4);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => i * i), ds);
        var failing = Dataset.FromEnumerable(Enumerable.Range(0, 10).ToArray())
            .Map(i => i == 6 ? throw new InvalidDataException("bad element 6") : i, numParallelCalls: Dataset.AutoTune);
        var seen = new List<int>();
        var ex = Assert.Throws<InvalidDataException>(() => { foreach (var v in failing) seen.Add(v); });
        Assert.Equal("bad element 6", ex.Message);
        Assert.Equal([0, 1, 2, 3, 4, 5], seen);
    }

    [Fact]
    public void TakeSkipRepeatAndTheirCardinalities()
    {
        var ds = Dataset.FromTensorSlices(Range(10));
        Assert.Equal([0f, 1f, 2f], ds.Take(3).SelectMany(Rows));
        Assert.Equal(3, ds.Take(3).Cardinality);
        Assert.Equal([8f, 9f], ds.Skip(8).SelectMany(Rows));
        Assert.Equal(2, ds.Skip(8).Cardinality);
        Assert.Equal(0, ds.Skip(-1).Cardinality);
        Assert.Empty(ds.Skip(-1));
        Assert.Equal(30, ds.Repeat(3).Cardinality);
        Assert.Equal(30, ds.Repeat(3).Count());
        Assert.Equal(Dataset.Infinite, ds.Repeat().Cardinality);
        Assert.Equal(25, ds.Repeat().Take(25).Count());
        Assert.Equal(25, ds.Repeat().Take(25).Cardinality);
        Assert.Equal(Dataset.Unknown, Dataset.FromGenerator(() => Enumerable.Range(0, 3)).Cardinality);
        Assert.Equal(Dataset.Unknown, Dataset.FromGenerator(() => Enumerable.Range(0, 3).Select(i => Tensor.Full(i, 2))).Batch(2).Cardinality);
        Assert.Equal(4, ds.Batch(3).Cardinality);
        Assert.Empty(Dataset.FromEnumerable(Array.Empty<int>()).Repeat());
    }

    [Fact]
    public void CacheRunsTheStagesBelowItOnceAndOnlyAfterAFullPass()
    {
        int calls = 0;
        var ds = Dataset.FromEnumerable(Enumerable.Range(0, 5).ToArray()).Map(i => { Interlocked.Increment(ref calls); return i; }).Cache();
        Assert.Equal([0, 1], ds.Take(2));           // an unfinished pass caches nothing
        Assert.Equal(2, calls);
        Assert.Equal([0, 1, 2, 3, 4], ds);
        Assert.Equal(7, calls);
        Assert.Equal([0, 1, 2, 3, 4], ds);
        Assert.Equal([0, 1, 2, 3, 4], ds);
        Assert.Equal(7, calls);
    }

    [Fact]
    public void PrefetchReadsAheadOnAnotherThreadWithinItsBuffer()
    {
        int consumed = 0, maxAhead = 0, producerThread = 0;
        IEnumerable<int> Produce()
        {
            producerThread = Environment.CurrentManagedThreadId;
            for (int i = 0; i < 200; i++)
            {
                // i elements were produced before this one; at most the buffer plus the one in hand may be unread.
                int ahead = i - Volatile.Read(ref consumed);
                if (ahead > maxAhead) maxAhead = ahead;
                yield return i;
            }
        }
        var ds = Dataset.FromGenerator(Produce).Prefetch(3);
        var got = new List<int>();
        foreach (var v in ds) { got.Add(v); Interlocked.Increment(ref consumed); }
        Assert.Equal(Enumerable.Range(0, 200), got);
        Assert.NotEqual(Environment.CurrentManagedThreadId, producerThread);
        Assert.InRange(maxAhead, 0, 3 + 1);
    }

    [Fact]
    public void PrefetchPassesTheProducersErrorAndStopsItWhenAbandoned()
    {
        IEnumerable<int> Failing() { yield return 1; throw new InvalidDataException("cannot decode cat.jpg"); }
        var ex = Assert.Throws<InvalidDataException>(() => Dataset.FromGenerator(Failing).Prefetch(2).ToList());
        Assert.Equal("cannot decode cat.jpg", ex.Message);

        bool closed = false;
        IEnumerable<int> Endless()
        {
            try { for (int i = 0; ; i++) yield return i; }
            finally { closed = true; }
        }
        Assert.Equal([0, 1, 2], Dataset.FromGenerator(Endless).Prefetch(2).Take(3));
        // The pass has ended: the producer's source was closed before the enumerator's Dispose returned.
        Assert.True(closed);
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        var ds = Dataset.FromTensorSlices(Range(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Batch(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Shuffle(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Prefetch(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Map(t => t, numParallelCalls: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.Take(-2));
        var ex = Assert.Throws<ArgumentException>(() => Dataset.FromTensorSlices(Range(4), Range(5)));
        Assert.Contains("4", ex.Message);
        Assert.Contains("5", ex.Message);
    }
}
