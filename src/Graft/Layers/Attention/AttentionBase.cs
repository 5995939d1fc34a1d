using Graft.Autograd;
using Graft.Layers.Merging;
using Graft.Tensors;

namespace Graft.Layers.Attention;

/// <summary>
/// What Attention and AdditiveAttention share (Keras's <c>BaseDenseAttention</c>): called on
/// [query, value] or [query, value, key] (key defaults to value); weights = softmax of the scores
/// over the value steps, dropped out in training; output = weights · value. Masks as in Keras: value
/// steps masked out get no weight (their scores lowered by 10⁹), masked query steps give zeros, and
/// the output keeps the query's mask. With Keras 3's call argument <c>use_causal_mask</c>
/// (<see cref="Call(IReadOnlyList{Tensor}, bool, bool)"/>), query step i attends to value steps j ≤ i
/// only, the causal mask and the value's mask joined by a logical and (Keras's <c>_calculate_score_mask</c>).
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

    /// <summary>
    /// Attends (Keras's <c>layer([query, value], use_causal_mask=...)</c>): <paramref name="inputs"/> are
    /// [query, value] or [query, value, key]; with <paramref name="useCausalMask"/> each query step sees
    /// only the value steps up to its own position (a decoder's self-attention).
    /// </summary>
    /// <param name="inputs">[query (N, Tq, d), value (N, Tv, dv)] or [query, value, key (N, Tv, d)].</param>
    /// <param name="training">Training mode: dropout on the attention weights.</param>
    /// <param name="useCausalMask">Keras's <c>use_causal_mask</c>: mask out value steps after the query step.</param>
    public Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false, bool useCausalMask = false) =>
        CallWith(inputs, training, xs => Attend(xs, useCausalMask));

    /// <summary>The functional form of <see cref="Call(IReadOnlyList{Tensor}, bool, bool)"/>; the causal mask is saved with the call, as Keras saves it in the node's arguments.</summary>
    /// <param name="inputs">[query, value] or [query, value, key].</param>
    /// <param name="training">A fixed training mode for this call, or null to follow the model's.</param>
    /// <param name="useCausalMask">Keras's <c>use_causal_mask</c>.</param>
    public Models.SymbolicTensor Call(IReadOnlyList<Models.SymbolicTensor> inputs, bool? training = null, bool useCausalMask = false) =>
        CallWith(inputs, training, CausalKwargs(useCausalMask));

    /// <summary>The node arguments of a call with <c>use_causal_mask</c>: none when false, as Keras writes only what was passed.</summary>
    internal static System.Text.Json.Nodes.JsonObject? CausalKwargs(bool useCausalMask) => useCausalMask ? new() { ["use_causal_mask"] = true } : null;

    /// <summary>A graph call's <c>use_causal_mask</c> argument (false when absent).</summary>
    internal static bool UsesCausalMask(System.Text.Json.Nodes.JsonObject? kwargs, string subject) => kwargs?["use_causal_mask"] switch
    {
        null => false,
        System.Text.Json.Nodes.JsonValue v when v.TryGetValue<bool>(out var b) => b,
        var other => throw new ArgumentException($"{subject}: expected use_causal_mask true or false, got {other.ToJsonString()}."),
    };

    internal override Tensor[] CallNode(IReadOnlyList<Tensor> inputs, bool training, System.Text.Json.Nodes.JsonObject? kwargs) =>
        [Call(inputs, training, UsesCausalMask(kwargs, Describe()))];

    /// <summary>
    /// Keras's causal mask (<c>_calculate_score_mask</c>, <c>_compute_causal_mask</c>): (Tq, Tv), 1 where
    /// the value step j is at most the query step i (row index ≥ column index), 0 elsewhere.
    /// </summary>
    internal static Tensor CausalMask(int tq, int tv, Device device)
    {
        var keep = new float[tq * tv];
        for (int i = 0; i < tq; i++)
            for (int j = 0; j <= Math.Min(i, tv - 1); j++) keep[i * tv + j] = 1f;
        return Tensor.FromArray(keep, [tq, tv], device);
    }

    /// <inheritdoc/>
    protected override Tensor Combine(IReadOnlyList<Tensor> xs) => Attend(xs, useCausalMask: false);

    private Tensor Attend(IReadOnlyList<Tensor> xs, bool useCausalMask)
    {
        if (xs.Count is not (2 or 3)) throw new ArgumentException($"{Describe()}: expected [query, value] or [query, value, key], got {xs.Count} inputs.");
        var (q, v) = (xs[0], xs[1]);
        var scores = Scores(q, xs.Count == 3 ? xs[2] : v);
        Tensor? keep = v.Mask is { } valueMask ? Ops.ExpandDims(valueMask, -2) : null;
        if (useCausalMask)
        {
            var causal = CausalMask(scores.Shape[^2], scores.Shape[^1], scores.Device);
            keep = keep is null ? causal : Ops.Multiply(keep, causal);
        }
        if (keep is not null)
        {
            // Keras's _apply_scores: scores − 10⁹ where the value step is masked out (keras/src/layers/attention/attention.py).
            var padding = Ops.Subtract(Tensor.Scalar(1f, keep.Device), keep);
            scores = Ops.Subtract(scores, Ops.Multiply(padding, 1e9f));
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
