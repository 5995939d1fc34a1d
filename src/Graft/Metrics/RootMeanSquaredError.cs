using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>√(mean of (y − ŷ)²) over every value seen (Keras's running sum of squares over count).</summary>
public sealed class RootMeanSquaredError(string name = "root_mean_squared_error") : Metric(name)
{
    private double _sum, _count;

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred)
    {
        var (t, p, _, _) = Rows(yTrue, yPred);
        if (t.Length != p.Length)
            throw new ArgumentException($"RootMeanSquaredError: expected targets with as many values as the predictions {yPred.Shape}, got {yTrue.Shape}.");
        for (int i = 0; i < p.Length; i++) { double e = t[i] - p[i]; _sum += e * e; }
        _count += p.Length;
    }

    /// <inheritdoc/>
    public override double Result() => _count == 0 ? 0 : Math.Sqrt(_sum / _count);
    /// <inheritdoc/>
    public override void ResetState() { _sum = 0; _count = 0; }
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new RootMeanSquaredError(Name);
}
