using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Graft.Tensors;

namespace Graft.Datasets;

/// <summary>The passes of the dataset stages, as iterators over the pass of the stage below.</summary>
internal static class Iterators
{
    /// <summary>tf.data's shuffle: fill a buffer, then emit a random buffered element and put the next input in its place.</summary>
    public static IEnumerable<T> Shuffle<T>(IEnumerable<T> source, int bufferSize, Generator random)
    {
        var buffer = new List<T>(Math.Min(bufferSize, 1 << 16));
        foreach (var e in source)
        {
            if (buffer.Count < bufferSize) { buffer.Add(e); continue; }
            int j = random.NextInt(buffer.Count);
            yield return buffer[j];
            buffer[j] = e;
        }
        while (buffer.Count > 0)
        {
            int j = random.NextInt(buffer.Count);
            yield return buffer[j];
            buffer[j] = buffer[^1];
            buffer.RemoveAt(buffer.Count - 1);
        }
    }

    public static IEnumerable<T> Batch<T>(IEnumerable<T> source, int batchSize, bool dropRemainder, Func<List<T>, T> stack)
    {
        var pending = new List<T>(batchSize);
        foreach (var e in source)
        {
            pending.Add(e);
            if (pending.Count < batchSize) continue;
            yield return stack(pending);
            pending.Clear();
        }
        if (pending.Count > 0 && !dropRemainder) yield return stack(pending);
    }

    public static IEnumerable<T> Skip<T>(IEnumerable<T> source, long count)
    {
        long seen = 0;
        foreach (var e in source)
            if (seen++ >= count) yield return e;
    }

    public static IEnumerable<T> Repeat<T>(Dataset<T> source, int? count)
    {
        for (int pass = 0; count is null || pass < count; pass++)
        {
            bool any = false;
            foreach (var e in source) { any = true; yield return e; }
            // An empty dataset repeated forever is empty, not a hang.
            if (!any) yield break;
        }
    }

    /// <summary>
    /// Reads <paramref name="source"/> on a background thread into a bounded buffer. The reader gets the
    /// producer's exception, rethrown with its stack; leaving the pass early cancels the producer and waits
    /// for it, so the source's pass is closed before this one returns.
    /// </summary>
    public static IEnumerable<T> Prefetch<T>(IEnumerable<T> source, int bufferSize)
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(bufferSize) { SingleReader = true, SingleWriter = true });
        using var cancel = new CancellationTokenSource();
        ExceptionDispatchInfo? failure = null;
        var producer = Task.Factory.StartNew(() =>
        {
            try
            {
                foreach (var e in source)
                {
                    // A reader that left stops the producer at the next element, not when the buffer fills again.
                    if (cancel.IsCancellationRequested) break;
                    if (!channel.Writer.TryWrite(e))
                        channel.Writer.WriteAsync(e, cancel.Token).AsTask().GetAwaiter().GetResult();
                }
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested) { }
            catch (Exception ex) { failure = ExceptionDispatchInfo.Capture(ex); }
            finally { channel.Writer.TryComplete(); }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            var reader = channel.Reader;
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                while (reader.TryRead(out var e)) yield return e;
            producer.GetAwaiter().GetResult();
            failure?.Throw();
        }
        finally
        {
            cancel.Cancel();
            // Free a producer blocked on a full buffer, then wait for it to close the source.
            while (channel.Reader.TryRead(out _)) { }
            producer.Wait();
        }
    }

    /// <summary>An ordered map with up to <paramref name="parallel"/> elements in flight on the thread pool.</summary>
    public static IEnumerable<TOut> ParallelMap<TIn, TOut>(IEnumerable<TIn> source, Func<TIn, TOut> map, int parallel)
    {
        var pending = new Queue<Task<TOut>>();
        using var e = source.GetEnumerator();
        try
        {
            while (true)
            {
                while (pending.Count < parallel && e.MoveNext())
                {
                    var item = e.Current;
                    pending.Enqueue(Task.Run(() => map(item)));
                }
                if (pending.Count == 0) yield break;
                yield return pending.Dequeue().GetAwaiter().GetResult();
            }
        }
        finally
        {
            // Leave no map running after the pass ends; their results and errors are dropped.
            foreach (var t in pending) t.ContinueWith(_ => { }).Wait();
        }
    }
}
