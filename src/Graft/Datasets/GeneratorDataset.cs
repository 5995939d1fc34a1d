namespace Graft.Datasets;

/// <summary>Elements from a sequence that is enumerated afresh on each pass.</summary>
internal sealed class GeneratorDataset<T>(Func<IEnumerable<T>> generator, long cardinality) : Dataset<T>
{
    public override long Cardinality => cardinality;

    public override IEnumerator<T> GetEnumerator() =>
        (generator() ?? throw new InvalidOperationException("Dataset.FromGenerator: expected the generator to return a sequence, got null.")).GetEnumerator();
}
