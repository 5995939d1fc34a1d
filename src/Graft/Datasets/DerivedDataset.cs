namespace Graft.Datasets;

/// <summary>
/// A stage that reorders, groups or buffers the elements of the dataset below it (shuffle, batch,
/// take, skip, repeat, cache, prefetch): each pass runs <c>iterate</c> over a new pass of the inner dataset.
/// </summary>
internal sealed class DerivedDataset<T>(Dataset<T> inner, long cardinality, Func<Dataset<T>, IEnumerable<T>> iterate,
    Func<Dataset<T>, Dataset<T>>? rebuild = null, Action? rewind = null) : Dataset<T>
{
    public override long Cardinality => cardinality;

    public override IEnumerator<T> GetEnumerator() => iterate(inner).GetEnumerator();

    /// <summary>
    /// The same stage over a replaced source. By default it shares this stage's state (a shuffle's
    /// seed sequence), so the rebuilt pipeline orders elements as this one would have.
    /// </summary>
    internal override Dataset<T>? ReplaceSource(Func<Dataset<T>, Dataset<T>?> replace) =>
        inner.ReplaceSource(replace) is { } replaced
            ? rebuild?.Invoke(replaced) ?? new DerivedDataset<T>(replaced, cardinality, iterate, rewind: rewind)
            : null;

    internal override void RewindShuffles()
    {
        rewind?.Invoke();
        inner.RewindShuffles();
    }
}
