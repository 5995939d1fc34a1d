using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Initializers;
using Graft.Layers.Merging;
using Graft.Tensors;

namespace Graft.Layers.Attention;

/// <summary>
/// Dot-product attention (Keras's <c>layers.Attention</c>): called on [query, value] or
/// [query, value, key]; scores = query · keyᵀ (times a learned scale with <see cref="UseScale"/>),
/// weights = softmax over the value steps, output = weights · value. Like Keras, it multiplies the
/// last two axes, so 2-D inputs attend across the batch.
/// </summary>
public sealed class Attention : Merge
{
    private Variable? _scale;
    private readonly Generator? _generator;

    /// <param name="useScale">Learn a scalar that multiplies the scores.</param>
    /// <param name="scoreMode">"dot" ("concat" is not supported yet).</param>
    /// <param name="dropout">Dropout on the attention weights, training only.</param>
    /// <param name="seed">Seed for the dropout mask.</param>
    /// <param name="name">Layer name.</param>
    public Attention(bool useScale = false, string scoreMode = "dot", float dropout = 0f, long? seed = null, string? name = null) : base(name)
    {
        if (scoreMode != "dot") throw new NotSupportedException($"Layer class 'Attention' (layer '{name ?? "?"}'): score_mode '{scoreMode}' is not supported by Graft yet; 'dot' is.");
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentOutOfRangeException(nameof(dropout), $"Attention: expected dropout in [0, 1), got {dropout}.");
        UseScale = useScale; Dropout = dropout;
        if (seed is { } s) _generator = new Generator(s);
    }

    /// <summary>Whether a learned scale multiplies the scores.</summary>
    public bool UseScale { get; }
    /// <summary>Dropout on the attention weights.</summary>
    public float Dropout { get; }

    /// <inheritdoc/>
    protected internal override bool TrainingMatchesInference => Dropout == 0;

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        if (UseScale) _scale = AddWeight("scale", [], new Ones());
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Combine(IReadOnlyList<Tensor> xs)
    {
        if (xs.Count is not (2 or 3)) throw new ArgumentException($"{Describe()}: expected [query, value] or [query, value, key], got {xs.Count} inputs.");
        var (q, v) = (xs[0], xs[1]);
        var k = xs.Count == 3 ? xs[2] : v;
        var scores = Ops.MatMul(q, k, transposeB: true);
        if (_scale is not null) scores = Ops.Multiply(scores, _scale.Value);
        var weights = Ops.Softmax(scores);
        if (Training && Dropout > 0) weights = Ops.Dropout(weights, Dropout, Ops.DropoutMask(weights.Shape.ToArray(), Dropout, _generator));
        return Ops.MatMul(weights, v);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(IReadOnlyList<int?[]> shapes) => [.. shapes[0][..^1], shapes[1][^1]];

    /// <inheritdoc/>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["use_scale"] = UseScale; c["score_mode"] = "dot"; c["dropout"] = Dropout;
        return c;
    }
}
