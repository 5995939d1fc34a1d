using Graft.Autograd;
using Graft.Layers.Merging;
using Graft.Tensors;

namespace Graft.Layers.Attention;

/// <summary>
/// What Attention and AdditiveAttention share (Keras's <c>BaseDenseAttention</c>): called on
/// [query, value] or [query, value, key] (key defaults to value); weights = softmax of the scores
/// over the value steps, dropped out in training; output = weights · value. Masks as in Keras: value
/// steps masked out get no weight (their scores lowered by 10⁹), masked query steps give zeros, and
/// the output keeps the query's mask.
/// </summary>
public abstract class AttentionBase : Merge
{
    private readonly Generator? _generator;

    private protected AttentionBase(double dropout, long? seed, string? name) : base(name)
    {
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentOutOfRangeException(nameof(dropout), $"{GetType().Name}: expected dropout in [0, 1), got {dropout}.");
        Dropout = (float)dropout;
        Seed = seed;
        if (seed is { } s) _generator = new Generator(s);
    }

    /// <summary>Dropout on the attention weights.</summary>
    public float Dropout { get; }

    /// <summary>Seed of the dropout mask, or null.</summary>
    public long? Seed { get; }

    /// <inheritdoc/>
    protected internal override bool TrainingMatchesInference => Dropout == 0;

    /// <summary>The (…, Tq, Tv) scores of every query step against every key step.</summary>
    private protected abstract Tensor Scores(Tensor query, Tensor key);

    /// <inheritdoc/>
    protected override Tensor Combine(IReadOnlyList<Tensor> xs)
    {
        if (xs.Count is not (2 or 3)) throw new ArgumentException($"{Describe()}: expected [query, value] or [query, value, key], got {xs.Count} inputs.");
        var (q, v) = (xs[0], xs[1]);
        var scores = Scores(q, xs.Count == 3 ? xs[2] : v);
        if (v.Mask is { } valueMask)
        {
            // Keras's _apply_scores: scores − 10⁹ where the value step is padding (keras/src/layers/attention/attention.py).
            var padding = Ops.Subtract(Tensor.Scalar(1f), valueMask);
            scores = Ops.Subtract(scores, Ops.Multiply(Ops.ExpandDims(padding, -2), 1e9f));
        }
        var weights = Ops.Softmax(scores);
        if (Training && Dropout > 0) weights = Ops.Dropout(weights, Dropout, Ops.DropoutMask(weights.Shape.ToArray(), Dropout, _generator));
        var output = Ops.MatMul(weights, v);
        return q.Mask is { } queryMask ? Ops.Multiply(output, Ops.ExpandDims(queryMask, -1)) : output;
    }

    /// <inheritdoc/>
    /// <remarks>The query's mask (Keras's <c>compute_mask</c> returns <c>mask[0]</c>).</remarks>
    protected internal override Tensor? MergeMask(IReadOnlyList<Tensor> inputs) => inputs[0].Mask;

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(IReadOnlyList<int?[]> shapes)
    {
        if (shapes.Count is not (2 or 3) || shapes.Any(s => s.Length < 2 || s.Length != shapes[0].Length))
            throw new ArgumentException($"{Describe()}: expected [query, value] or [query, value, key] of one rank (batch, …, features), got {string.Join(", ", shapes.Select(FormatShape))}.");
        var (q, v) = (shapes[0], shapes[1]);
        var k = shapes.Count == 3 ? shapes[2] : v;
        static bool Differ(int? a, int? b) => a is { } x && b is { } y && x != y;
        if (Differ(q[^1], k[^1]) || (k.Length >= 3 && Differ(k[^2], v[^2])))
            throw new ArgumentException($"{Describe()}: expected a query and key of the same features, and a key and value of the same steps, got query {FormatShape(q)}, value {FormatShape(v)} and key {FormatShape(k)}.");
        return [.. q[..^1], v[^1]];
    }
}
