namespace Graft.Metrics;

/// <summary>The F-β score with β = 1, the harmonic mean of precision and recall (see <see cref="FBetaScore"/>).</summary>
public sealed class F1Score(string? average = null, float? threshold = null, string name = "f1_score") : FBetaScore(average, 1f, threshold, name)
{
    /// <inheritdoc/>
    public override Metric CloneEmpty() => new F1Score(Average, Threshold, Name);
}
