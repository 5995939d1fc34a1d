using Graft.Autograd;
using Graft.Initializers;
using Graft.Tensors;

namespace Graft.Layers.Attention;

/// <summary>
/// Additive (Bahdanau-style) attention (Keras's <c>layers.AdditiveAttention</c>): called on
/// [query (N, Tq, d), value (N, Tv, d)] or [query, value, key]; scores[i, j] = Σ_d scale_d ·
/// tanh(query_i + key_j)_d, weights = softmax over the value steps, output = weights · value.
/// With <see cref="UseScale"/> (the default) <c>scale</c> is a learned (d) vector, glorot-uniform as in Keras.
/// </summary>
public sealed class AdditiveAttention : AttentionBase
{
    private Variable? _scale;

    /// <param name="useScale">Learn the (d) vector that weighs the tanh features (otherwise they are summed).</param>
    /// <param name="dropout">Dropout on the attention weights, training only.</param>
    /// <param name="seed">Seed for the dropout mask.</param>
    /// <param name="name">Layer name.</param>
    public AdditiveAttention(bool useScale = true, double dropout = 0, long? seed = null, string? name = null) : base(dropout, seed, name) => UseScale = useScale;

    /// <summary>Whether a learned vector weighs the tanh features.</summary>
    public bool UseScale { get; }

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        if (inputShape.Length != 3 || inputShape[2] is not int dim)
            throw new ArgumentException($"{Describe()}: expected a query (batch, steps, dim) with known dim, got {FormatShape(inputShape)}.");
        if (UseScale) _scale = AddWeight("scale", [dim], new GlorotUniform());
        base.Build(inputShape);
    }

    private protected override Tensor Scores(Tensor q, Tensor k)
    {
        if (q.Rank != 3 || k.Rank != 3 || q.Shape[0] != k.Shape[0] || q.Shape[2] != k.Shape[2])
            throw new ArgumentException($"{Describe()}: expected query (N, Tq, d) and key (N, Tv, d), got {q.Shape} and {k.Shape}.");
        int n = q.Shape[0], tq = q.Shape[1], tv = k.Shape[1], d = q.Shape[2];
        // (N, Tq, 1, d) + (N, 1, Tv, d) → (N, Tq, Tv, d), weighed and summed over d
        var features = Ops.Tanh(Ops.Add(Ops.Reshape(q, n, tq, 1, d), Ops.Reshape(k, n, 1, tv, d)));
        if (_scale is not null) features = Ops.Multiply(features, _scale.Value);
        return Ops.Sum(features, [3]);
    }
}
