using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>
/// Counts (or, with sample weights, sums the weights of) one cell of the binary confusion matrix: a prediction above <see cref="Threshold"/> is
/// positive, a nonzero target is positive (Keras casts targets to bool). The base of
/// <see cref="TruePositives"/>, <see cref="FalsePositives"/>, <see cref="TrueNegatives"/> and <see cref="FalseNegatives"/>.
/// </summary>
public abstract class ConfusionCount : Metric
{
    private readonly bool _actual, _predicted;
    private double _count;

    private protected ConfusionCount(float threshold, string name, bool actual, bool predicted) : base(name)
    {
        Threshold = threshold is >= 0f and <= 1f ? threshold
            : throw new ArgumentOutOfRangeException(nameof(threshold), $"{GetType().Name}: expected a threshold in [0, 1], got {threshold}.");
        (_actual, _predicted) = (actual, predicted);
    }

    /// <summary>Decision threshold (Keras's default 0.5).</summary>
    public float Threshold { get; }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        var (t, p, _, _) = Rows(yTrue, yPred);
        if (t.Length != p.Length)
            throw new ArgumentException($"{GetType().Name}: expected targets with as many values as the predictions {yPred.Shape}, got {yTrue.Shape}.");
        var w = SampleWeights.Broadcast(sampleWeight, yPred.Shape, $"{GetType().Name} '{Name}'");
        for (int i = 0; i < p.Length; i++)
            if ((t[i] != 0f) == _actual && (p[i] > Threshold) == _predicted) _count += w?[i] ?? 1f;
    }

    /// <inheritdoc/>
    public override double Result() => _count;
    /// <inheritdoc/>
    public override void ResetState() => _count = 0;
}
