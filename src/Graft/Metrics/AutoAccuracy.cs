using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>
/// <c>"accuracy"</c> as Keras resolves it from the shapes on first use: binary when predictions have
/// one column, sparse categorical when targets lack the class axis (or have it as 1), else categorical.
/// </summary>
internal sealed class AutoAccuracy(string name) : Metric(name)
{
    private Metric? _resolved;

    /// <summary>The concrete metric, once the shapes are known.</summary>
    public Metric? Resolved => _resolved;

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        _resolved ??= Resolve(yTrue.Shape, yPred.Shape, Name);
        _resolved.UpdateState(yTrue, yPred, sampleWeight);
    }

    internal static Metric Resolve(Shape t, Shape p, string name)
    {
        int pLast = p.Rank == 0 ? 1 : p[^1];
        bool binary = pLast == 1;
        bool sparse = t.Rank < p.Rank || (t.Rank > 0 && t[^1] == 1 && pLast > 1);
        return binary ? new BinaryAccuracy(name: name) : sparse ? new SparseCategoricalAccuracy(name) : new CategoricalAccuracy(name);
    }

    /// <inheritdoc/>
    public override double Result() => _resolved?.Result() ?? 0;
    /// <inheritdoc/>
    public override void ResetState() => _resolved?.ResetState();
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new AutoAccuracy(Name);
}
