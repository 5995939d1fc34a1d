using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>
/// F-β score per class, (1 + β²)·P·R / (β²·P + R), from true/false positive and false negative
/// counts (weighted by the sample weights) over everything seen; predictions (batch, classes) count positive above
/// <see cref="Threshold"/>, or, without one, where they are the row's largest (Keras's rule).
/// <see cref="Average"/> combines the classes: <c>"micro"</c> (counts pooled), <c>"macro"</c> (mean),
/// <c>"weighted"</c> (by each class's positives), or null for one score per class
/// (<see cref="ClassResults"/>; <see cref="Result"/>, one number, then refuses).
/// </summary>
public class FBetaScore : Metric
{
    private double[] _tp = [], _fp = [], _fn = [], _support = [];

    /// <param name="average">null, <c>"micro"</c>, <c>"macro"</c> or <c>"weighted"</c>.</param>
    /// <param name="beta">Weight of recall against precision (&gt; 0).</param>
    /// <param name="threshold">Decision threshold in (0, 1], or null for the row's largest.</param>
    /// <param name="name">Name in logs.</param>
    public FBetaScore(string? average = null, float beta = 1f, float? threshold = null, string name = "fbeta_score") : base(name)
    {
        Average = average is null or "micro" or "macro" or "weighted" ? average
            : throw new ArgumentException($"{GetType().Name}: expected average None, \"micro\", \"macro\" or \"weighted\", got \"{average}\".", nameof(average));
        Beta = beta > 0 ? beta : throw new ArgumentOutOfRangeException(nameof(beta), $"{GetType().Name}: expected beta > 0, got {beta}.");
        Threshold = threshold is null or (> 0f and <= 1f) ? threshold
            : throw new ArgumentOutOfRangeException(nameof(threshold), $"{GetType().Name}: expected a threshold in (0, 1], got {threshold}.");
    }

    /// <summary>How classes combine; null for one score per class.</summary>
    public string? Average { get; }
    /// <summary>Weight of recall against precision.</summary>
    public float Beta { get; }
    /// <summary>Decision threshold, or null for the row's largest prediction.</summary>
    public float? Threshold { get; }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        if (yPred.Rank != 2 || yTrue.Shape != yPred.Shape)
            throw new ArgumentException($"{GetType().Name}: expected 2D targets and predictions of shape (batch_size, output_dim), got {yTrue.Shape} and {yPred.Shape}.");
        var (t, p, rows, cols) = Rows(yTrue, yPred);
        int slots = Average == "micro" ? 1 : cols;
        if (_tp.Length == 0) { _tp = new double[slots]; _fp = new double[slots]; _fn = new double[slots]; _support = new double[slots]; }
        else if (_tp.Length != slots) throw new ArgumentException($"{GetType().Name}: expected {cols} classes as before, got {yPred.Shape[^1]}.");
        var w = SampleWeights.Broadcast(sampleWeight, yPred.Shape, $"{GetType().Name} '{Name}'");
        for (int r = 0; r < rows; r++)
        {
            float max = float.NegativeInfinity;
            for (int c = 0; c < cols; c++) max = MathF.Max(max, p[r * cols + c]);
            for (int c = 0; c < cols; c++)
            {
                float v = p[r * cols + c];
                bool predicted = Threshold is { } th ? v > th : v >= max && MathF.Abs(v) > 1e-9f;
                double y = t[r * cols + c], weight = w?[r * cols + c] ?? 1f;
                int k = slots == 1 ? 0 : c;
                if (predicted) { _tp[k] += weight * y; _fp[k] += weight * (1 - y); } else _fn[k] += weight * y;
                _support[k] += weight * y;
            }
        }
    }

    /// <summary>The score of each class (one value under <c>"micro"</c>), before <see cref="Average"/> combines them.</summary>
    public double[] ClassResults()
    {
        const double eps = 1e-7;
        double b2 = (double)Beta * Beta;
        return Enumerable.Range(0, _tp.Length).Select(k =>
        {
            double precision = _tp[k] / (_tp[k] + _fp[k] + eps), recall = _tp[k] / (_tp[k] + _fn[k] + eps);
            return (1 + b2) * precision * recall / (b2 * precision + recall + eps);
        }).ToArray();
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException"><see cref="Average"/> is null: the scores are per class.</exception>
    public override double Result()
    {
        var scores = ClassResults();
        if (scores.Length == 0) return 0;
        return Average switch
        {
            null => throw new NotSupportedException($"{GetType().Name} '{Name}': expected one number, got one score per class (average=None). Read ClassResults(), or pass average \"macro\", \"micro\" or \"weighted\" to log it."),
            "weighted" => scores.Select((s, k) => s * _support[k]).Sum() / (_support.Sum() + 1e-7),
            _ => scores.Average(),
        };
    }

    /// <inheritdoc/>
    public override void ResetState() { _tp = []; _fp = []; _fn = []; _support = []; }
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new FBetaScore(Average, Beta, Threshold, Name);
}
