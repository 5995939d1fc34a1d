using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>
/// The coefficient of determination 1 − SS_res / SS_tot per output column over everything seen (sums weighted by the sample weights),
/// averaged uniformly (<c>"uniform_average"</c>, Keras's default) or weighted by each column's
/// variance (<c>"variance_weighted_average"</c>); with <see cref="NumRegressors"/> &gt; 0 the adjusted R².
/// A column whose targets never vary scores 0 (Keras's rule for an infinite ratio).
/// </summary>
public sealed class R2Score : Metric
{
    private double[] _sum = [], _squaredSum = [], _residual = [], _count = [];
    private double _samples;

    /// <param name="classAggregation"><c>"uniform_average"</c> or <c>"variance_weighted_average"</c>.</param>
    /// <param name="numRegressors">Independent variables, for the adjusted score (0: plain R²).</param>
    /// <param name="name">Name in logs.</param>
    public R2Score(string classAggregation = "uniform_average", int numRegressors = 0, string name = "r2_score") : base(name)
    {
        ClassAggregation = classAggregation switch
        {
            "uniform_average" or "variance_weighted_average" => classAggregation,
            null => throw new NotSupportedException("R2Score: expected class_aggregation \"uniform_average\" or \"variance_weighted_average\", got None; per-column scores are not supported by Graft (a metric logs one number)."),
            _ => throw new ArgumentException($"R2Score: expected class_aggregation \"uniform_average\" or \"variance_weighted_average\", got \"{classAggregation}\".", nameof(classAggregation)),
        };
        NumRegressors = numRegressors >= 0 ? numRegressors : throw new ArgumentOutOfRangeException(nameof(numRegressors), $"R2Score: expected num_regressors >= 0, got {numRegressors}.");
    }

    /// <summary>How the columns' scores combine.</summary>
    public string ClassAggregation { get; }
    /// <summary>Independent variables for the adjusted score; 0 for plain R².</summary>
    public int NumRegressors { get; }

    /// <inheritdoc/>
    public override void UpdateState(Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        if (yPred.Rank != 2 || yTrue.Size != yPred.Size)
            throw new ArgumentException($"R2Score: expected 2D targets and predictions of shape (batch_size, output_dim), got {yTrue.Shape} and {yPred.Shape}.");
        var (t, p, rows, cols) = Rows(yTrue, yPred);
        if (_sum.Length == 0) { _sum = new double[cols]; _squaredSum = new double[cols]; _residual = new double[cols]; _count = new double[cols]; }
        else if (_sum.Length != cols)
            throw new ArgumentException($"R2Score: expected {_sum.Length} output columns as before, got {cols}.");
        // Keras weighs each row (weights of shape (batch,)) or each value; every sum and each column's count is weighted.
        var w = SampleWeights.Broadcast(sampleWeight, yPred.Shape, $"R2Score '{Name}'");
        for (int r = 0; r < rows; r++)
        {
            bool counted = false;
            for (int c = 0; c < cols; c++)
            {
                double weight = w?[r * cols + c] ?? 1, y = t[r * cols + c], e = y - p[r * cols + c];
                _sum[c] += weight * y; _squaredSum[c] += weight * y * y; _residual[c] += weight * e * e; _count[c] += weight;
                counted |= weight != 0;
            }
            // The adjusted score's sample count: rows with a nonzero weight in some column.
            if (counted) _samples++;
        }
    }

    /// <inheritdoc/>
    public override double Result()
    {
        if (_samples == 0) return 0;
        int cols = _sum.Length;
        var total = new double[cols];
        var raw = new double[cols];
        for (int c = 0; c < cols; c++)
        {
            total[c] = _squaredSum[c] - _sum[c] * (_sum[c] / _count[c]);
            raw[c] = 1 - _residual[c] / total[c];
            if (double.IsInfinity(raw[c])) raw[c] = 0;
        }
        double score = ClassAggregation == "uniform_average" ? raw.Average() : raw.Select((r, c) => total[c] * r).Sum() / total.Sum();
        // Keras falls back to the plain score when the adjustment would divide by zero or flip sign.
        if (NumRegressors != 0 && NumRegressors < _samples - 1)
            score = 1 - (1 - score) * (_samples - 1) / (_samples - NumRegressors - 1);
        return score;
    }

    /// <inheritdoc/>
    public override void ResetState() { _sum = []; _squaredSum = []; _residual = []; _count = []; _samples = 0; }
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new R2Score(ClassAggregation, NumRegressors, Name);
}
