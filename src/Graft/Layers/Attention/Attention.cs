using Graft.Autograd;
using Graft.Initializers;
using Graft.Tensors;

namespace Graft.Layers.Attention;

/// <summary>
/// Dot-product attention (Keras's <c>layers.Attention</c>): called on [query, value] or
/// [query, value, key]; scores = query · keyᵀ (times a learned scale with <see cref="UseScale"/>),
/// weights = softmax over the value steps, output = weights · value. Like Keras, it multiplies the
/// last two axes, so 2-D inputs attend across the batch. With <see cref="ScoreMode"/> "concat", the
/// scores are concat_score_weight · Σ_d tanh(scale · (query + key)) over the features (scale 1
/// without <see cref="UseScale"/>), for queries and keys (batch, steps, features).
/// </summary>
public sealed class Attention : AttentionBase
{
    private Variable? _scale, _concatScoreWeight;

    /// <param name="useScale">Learn a scalar that multiplies the scores.</param>
    /// <param name="scoreMode">"dot" (default) or "concat".</param>
    /// <param name="dropout">Dropout on the attention weights, training only.</param>
    /// <param name="seed">Seed for the dropout mask.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentException"><paramref name="scoreMode"/> is neither "dot" nor "concat".</exception>
    public Attention(bool useScale = false, string scoreMode = "dot", double dropout = 0, long? seed = null, string? name = null) : base(dropout, seed, name)
    {
        if (scoreMode is not ("dot" or "concat"))
            throw new ArgumentException($"Attention '{Name}': expected score_mode \"dot\" or \"concat\", got \"{scoreMode}\".", nameof(scoreMode));
        UseScale = useScale;
        ScoreMode = scoreMode;
    }

    /// <summary>Whether a learned scale multiplies the scores.</summary>
    public bool UseScale { get; }

    /// <summary>How queries and keys are scored: "dot" or "concat".</summary>
    public string ScoreMode { get; }

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        // Keras's order: scale, then concat_score_weight.
        if (UseScale) _scale = AddWeight("scale", [], new Ones());
        if (ScoreMode == "concat") _concatScoreWeight = AddWeight("concat_score_weight", [], new Ones());
        base.Build(inputShape);
    }

    private protected override Tensor Scores(Tensor q, Tensor k)
    {
        if (ScoreMode == "concat")
        {
            if (q.Rank != 3 || k.Rank != 3 || q.Shape[0] != k.Shape[0] || q.Shape[2] != k.Shape[2])
                throw new ArgumentException($"{Describe()}: expected query (N, Tq, d) and key (N, Tv, d) for score_mode \"concat\", got {q.Shape} and {k.Shape}.");
            // (N, Tq, 1, d) + (N, 1, Tv, d) → (N, Tq, Tv, d), summed over d
            var sum = Ops.Add(Ops.ExpandDims(q, 2), Ops.ExpandDims(k, 1));
            if (_scale is not null) sum = Ops.Multiply(sum, _scale.Value);
            return Ops.Multiply(Ops.Sum(Ops.Tanh(sum), [3]), _concatScoreWeight!.Value);
        }
        var scores = Ops.MatMul(q, k, transposeB: true);
        return _scale is null ? scores : Ops.Multiply(scores, _scale.Value);
    }
}
