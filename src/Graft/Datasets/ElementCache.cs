namespace Graft.Datasets;

/// <summary>The state of one <see cref="Dataset{T}.Cache"/>: the elements of the first finished pass.</summary>
internal sealed class ElementCache<T>
{
    private List<T>? _complete;

    public IEnumerable<T> Read(Dataset<T> inner)
    {
        if (Volatile.Read(ref _complete) is { } done)
        {
            foreach (var e in done) yield return e;
            yield break;
        }
        var filling = new List<T>();
        foreach (var e in inner)
        {
            filling.Add(e);
            yield return e;
        }
        // Only a pass read to its end is kept: tf.data discards a partial cache.
        Interlocked.CompareExchange(ref _complete, filling, null);
    }
}
