namespace Graft.Datasets;

/// <summary>Elements from a sequence that is enumerated afresh on each pass.</summary>
internal sealed class GeneratorDataset<T>(Func<IEnumerable<T>> generator, long cardinality, bool stable = false) : Dataset<T>
{
    /// <summary>An array or list gives the same elements each pass; a lazy sequence may not.</summary>
    internal override bool IsStable => stable;

    public override long Cardinality => cardinality;

    public override IEnumerator<T> GetEnumerator() =>
        (generator() ?? throw new InvalidOperationException("Dataset.FromGenerator: expected the generator to return a sequence, got null.")).GetEnumerator();
}
