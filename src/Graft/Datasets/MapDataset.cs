namespace Graft.Datasets;

/// <summary>A function applied to every element, in order, on up to <c>parallel</c> elements at once.</summary>
internal sealed class MapDataset<TIn, TOut>(Dataset<TIn> inner, Func<TIn, TOut> map, int parallel, bool pure) : Dataset<TOut>
{
    public override long Cardinality => inner.Cardinality;

    public override IEnumerator<TOut> GetEnumerator() =>
        (parallel == 1 ? inner.Select(map) : Iterators.ParallelMap(inner, map, parallel)).GetEnumerator();

    /// <summary>A pure map of a stable dataset gives the same elements every pass: it is itself a source.</summary>
    internal override Dataset<TOut>? ReplaceSource(Func<Dataset<TOut>, Dataset<TOut>?> replace) => IsStable ? replace(this) : null;

    internal override bool IsStable => pure && inner.IsStable;

    internal override void RewindShuffles() => inner.RewindShuffles();
}
