using Graft.Tensors;

namespace Graft.Metrics;

/// <summary>
/// How Keras spreads a metric's <c>sample_weight</c> over the values it weighs: a scalar weighs every
/// value, one weight per sample (or per time step of a sequence) weighs that sample's values, a weight
/// per value weighs it alone (Keras's broadcast to <c>y_pred</c> in keras/src/metrics/metrics_utils.py and
/// its <c>squeeze_or_expand_to_same_rank</c>).
/// </summary>
internal static class SampleWeights
{
    /// <summary>One weight per value of <paramref name="target"/> (row-major), or null without weights.</summary>
    /// <exception cref="ArgumentException">The weights' shape is not a scalar, nor a leading part of <paramref name="target"/>.</exception>
    public static float[]? Broadcast(Tensor? sampleWeight, Shape target, string subject)
    {
        if (sampleWeight is null) return null;
        var w = Metric.Host(sampleWeight);
        int size = target.Size;
        if (w.Length == size) return w;
        var spread = new float[size];
        if (w.Length == 1) { Array.Fill(spread, w[0]); return spread; }
        if (w.Length == 0 || size % w.Length != 0 || !LeadsShape(sampleWeight.Shape, target))
            throw new ArgumentException($"{subject}: expected sample_weight of shape () or a leading part of {target} (one weight per sample), got shape {sampleWeight.Shape}.");
        int block = size / w.Length;
        for (int i = 0; i < w.Length; i++) Array.Fill(spread, w[i], i * block, block);
        return spread;
    }

    /// <summary>Whether <paramref name="weights"/> (trailing 1s dropped, as Keras squeezes them) are the first axes of <paramref name="target"/>.</summary>
    private static bool LeadsShape(Shape weights, Shape target)
    {
        int rank = weights.Rank;
        while (rank > 0 && weights[rank - 1] == 1) rank--;
        if (rank > target.Rank) return false;
        for (int a = 0; a < rank; a++) if (weights[a] != target[a]) return false;
        return true;
    }

    /// <summary>
    /// Keras's weighted mean of per-sample values (reduction_metrics.py <c>Mean</c> after
    /// <c>reduce_to_samplewise_values</c>): each sample's values times their weights, averaged over the
    /// sample, summed into the total; each sample's mean weight summed into the count (the number of
    /// samples without weights). A mask (a <c>return_sequences</c> output's) multiplies into the weights,
    /// as Keras's <c>MeanMetricWrapper</c> applies it, so masked steps count in neither.
    /// </summary>
    public static (double Total, double Count) MeanParts(float[] values, Shape shape, Tensor? sampleWeight, Tensor? mask, string subject)
    {
        var w = Broadcast(sampleWeight, shape, subject);
        if (mask is not null)
        {
            var m = Broadcast(mask, shape, subject + " (mask)")!;
            if (w is null) w = m;
            else for (int i = 0; i < w.Length; i++) w[i] *= m[i];
        }
        int rows = shape.Rank == 0 ? 1 : shape[0];
        if (rows == 0) return (0, 0);
        double perRow = (double)values.Length / rows, total = 0, count = 0;
        if (w is null)
        {
            foreach (float v in values) total += v;
            return (total / perRow, rows);
        }
        for (int i = 0; i < values.Length; i++) { total += (double)values[i] * w[i]; count += w[i]; }
        return (total / perRow, count / perRow);
    }
}
