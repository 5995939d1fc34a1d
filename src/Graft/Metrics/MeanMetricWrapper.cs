using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>A metric that is the mean of a per-sample score (accuracies, errors).</summary>
public abstract class MeanMetricWrapper(string name) : Metric(name)
{
    private double _total, _count;

    /// <summary>Adds per-sample scores.</summary>
    protected void Add(double score, double count = 1) { _total += score; _count += count; }

    /// <summary>Adds each of a loss's per-sample values (a batch at a time, read back once).</summary>
    protected void AddPerSample(Tensor values)
    {
        foreach (float v in Host(values)) Add(v);
    }

    /// <inheritdoc/>
    public override double Result() => _count == 0 ? 0 : _total / _count;
    /// <inheritdoc/>
    public override void ResetState() { _total = 0; _count = 0; }
}
