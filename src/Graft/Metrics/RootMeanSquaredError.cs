using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>√(weighted mean of (y − ŷ)²) over every value seen (Keras's running sum of squares over count).</summary>
public sealed class RootMeanSquaredError(string name = "root_mean_squared_error") : Metric(name)
{
    private double _sum, _count;

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        var (t, p, _, _) = Rows(yTrue, yPred);
        if (t.Length != p.Length)
            throw new ArgumentException($"RootMeanSquaredError: expected targets with as many values as the predictions {yPred.Shape}, got {yTrue.Shape}.");
        var squares = new float[p.Length];
        for (int i = 0; i < p.Length; i++) { float e = t[i] - p[i]; squares[i] = e * e; }
        // Keras's RootMeanSquaredError is a Mean of the squared errors: no mask, weights per sample or per value.
        var (total, count) = SampleWeights.MeanParts(squares, yPred.Shape, sampleWeight, null, $"RootMeanSquaredError '{Name}'");
        _sum += total;
        _count += count;
    }

    /// <inheritdoc/>
    public override double Result() => _count == 0 ? 0 : Math.Sqrt(_sum / _count);
    /// <inheritdoc/>
    public override void ResetState() { _sum = 0; _count = 0; }
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new RootMeanSquaredError(Name);
}
