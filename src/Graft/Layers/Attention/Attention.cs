using Graft.Autograd;
using Graft.Initializers;
using Graft.Tensors;

namespace Graft.Layers.Attention;

/// <summary>
/// Dot-product attention (Keras's <c>layers.Attention</c>): called on [query, value] or
/// [query, value, key]; scores = query · keyᵀ (times a learned scale with <see cref="UseScale"/>),
/// weights = softmax over the value steps, output = weights · value. Like Keras, it multiplies the
/// last two axes, so 2-D inputs attend across the batch.
/// </summary>
public sealed class Attention : AttentionBase
{
    private Variable? _scale;

    /// <param name="useScale">Learn a scalar that multiplies the scores.</param>
    /// <param name="scoreMode">"dot" ("concat" is not supported yet).</param>
    /// <param name="dropout">Dropout on the attention weights, training only.</param>
    /// <param name="seed">Seed for the dropout mask.</param>
    /// <param name="name">Layer name.</param>
    public Attention(bool useScale = false, string scoreMode = "dot", double dropout = 0, long? seed = null, string? name = null) : base(dropout, seed, name)
    {
        if (scoreMode != "dot") throw new NotSupportedException($"Layer class 'Attention' (layer '{name ?? "?"}'): score_mode '{scoreMode}' is not supported by Graft yet; 'dot' is.");
        UseScale = useScale;
    }

    /// <summary>Whether a learned scale multiplies the scores.</summary>
    public bool UseScale { get; }

    /// <summary>How queries and keys are scored: "dot", the only mode Graft supports.</summary>
    public string ScoreMode => "dot";

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        if (UseScale) _scale = AddWeight("scale", [], new Ones());
        base.Build(inputShape);
    }

    private protected override Tensor Scores(Tensor q, Tensor k)
    {
        var scores = Ops.MatMul(q, k, transposeB: true);
        return _scale is null ? scores : Ops.Multiply(scores, _scale.Value);
    }
}
