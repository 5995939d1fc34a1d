using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Config;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Layers.Merging;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Attention;

/// <summary>
/// Multi-head scaled dot-product attention (Keras's <c>layers.MultiHeadAttention</c>), called on
/// [query (N, d1…dn, dq), value (N, e1…en, dv)] or [query, value, key]; self-attention is
/// <c>mha.Call([x, x])</c>. Each head projects query and key to <see cref="KeyDim"/> and value to
/// <see cref="ValueDim"/>, attends with softmax(q·kᵀ/√keyDim) over the <see cref="AttentionAxes"/>
/// (by default every axis between the batch and the features: the steps of a sequence), and the heads
/// are projected back to dq (or <see cref="OutputShape"/>, one or several axes). The other axes are
/// batch axes: query and value must agree on them. Weights in Keras's order and shapes: query, key
/// and value kernels (d, heads, dim) with biases (heads, dim), then the output kernel
/// (heads, valueDim, *out) and bias (*out).
/// </summary>
/// <remarks>
/// Keras builds einsum equations that put the scores in the layout (batch, other axes…, heads, query
/// attention axes…, key attention axes…) and softmaxes over the key attention axes together
/// (keras/src/layers/attention/multi_head_attention.py, <c>_build_attention_equation</c>). Graft
/// computes the same scores as one batched matrix product, with the other axes folded into the batch
/// and the attention axes flattened, which is that layout reshaped. Masks follow Keras's
/// <c>_compute_attention_mask</c>: the query's mask (…, T, 1), the value's and the key's (…, 1, S)
/// and, with <c>use_causal_mask</c>, the causal mask (1, T, S) of the query's and value's axis 1,
/// joined by a logical and, expanded before the heads axis and broadcast against the scores.
/// </remarks>
public sealed class MultiHeadAttention : Merge, IKerasConfigForms
{
    private Variable? _wq, _bq, _wk, _bk, _wv, _bv, _wo, _bo;
    private readonly Generator? _generator;
    private readonly int[]? _attentionAxes;
    // The attention axes of the built query, each in 1 … rank − 2, ascending.
    private int[] _axes = [];

    /// <param name="numHeads">Number of heads.</param>
    /// <param name="keyDim">Size of each head for query and key.</param>
    /// <param name="valueDim">Size of each head for value (default keyDim).</param>
    /// <param name="dropout">Dropout on the attention weights, training only.</param>
    /// <param name="useBias">Whether the projections have biases.</param>
    /// <param name="outputShape">The output's trailing axes (one or several; default, or empty: the query's features).</param>
    /// <param name="kernelInitializer">Default glorot_uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="seed">Seed for the dropout mask.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="attentionAxes">
    /// The query's axes attention runs over (Keras's <c>attention_axes</c>; negative ones count from the
    /// end): null for every axis between the batch and the features; (1, 2) of an image (N, H, W, C)
    /// attends over all pixels jointly.
    /// </param>
    /// <param name="kernelRegularizer">Penalty on the four kernels.</param>
    /// <param name="biasRegularizer">Penalty on the four biases.</param>
    /// <param name="kernelConstraint">Projection of the four kernels after each step.</param>
    /// <param name="biasConstraint">Projection of the four biases after each step.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or the dropout rate is out of range.</exception>
    /// <exception cref="ArgumentException">The attention axes are empty or repeat.</exception>
    public MultiHeadAttention(int numHeads, int keyDim, int? valueDim = null, double dropout = 0, bool useBias = true, IntTuple? outputShape = null,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null, long? seed = null, string? name = null, int[]? attentionAxes = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null, Constraint? kernelConstraint = null, Constraint? biasConstraint = null) : base(name)
    {
        if (numHeads <= 0 || keyDim <= 0 || valueDim <= 0)
            throw new ArgumentOutOfRangeException(nameof(numHeads), $"MultiHeadAttention: expected num_heads, key_dim and value_dim > 0, got {numHeads}, {keyDim} and {valueDim}.");
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentOutOfRangeException(nameof(dropout), $"MultiHeadAttention: expected dropout in [0, 1), got {dropout}.");
        if (outputShape is { } shape && shape.Any(d => d <= 0))
            throw new ArgumentOutOfRangeException(nameof(outputShape), $"MultiHeadAttention '{Name}': expected output_shape of positive sizes, got {shape}.");
        if (attentionAxes is not null && (attentionAxes.Length == 0 || attentionAxes.Distinct().Count() != attentionAxes.Length))
            throw new ArgumentException($"MultiHeadAttention '{Name}': expected attention_axes null or distinct axes, got [{string.Join(", ", attentionAxes)}].", nameof(attentionAxes));
        NumHeads = numHeads; KeyDim = keyDim; ValueDim = valueDim ?? keyDim; Dropout = (float)dropout; UseBias = useBias; Seed = seed;
        // Keras tests `if output_shape:`, so an empty one means the query's features.
        OutputShape = outputShape is { Count: > 0 } ? outputShape : null;
        _attentionAxes = attentionAxes is null ? null : (int[])attentionAxes.Clone();
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        KernelRegularizer = kernelRegularizer; BiasRegularizer = biasRegularizer; KernelConstraint = kernelConstraint; BiasConstraint = biasConstraint;
        if (seed is { } s) _generator = new Generator(s);
    }

    /// <summary>
    /// Refuses the options of newer Keras releases that change what the layer computes and that
    /// Graft lacks (<c>use_gate</c>, <c>sliding_window</c>), rather than loading a different layer.
    /// </summary>
    static JsonObject IKerasConfigForms.Adapt(JsonObject config, string subject)
    {
        if (config["use_gate"] is JsonValue gate && gate.TryGetValue<bool>(out var gated) && gated)
            throw new NotSupportedException($"{subject}: expected use_gate false, got true (Keras 3's gated attention), which Graft does not implement.");
        if (config["sliding_window"] is JsonValue window)
            throw new NotSupportedException($"{subject}: expected sliding_window null, got {window.ToJsonString()} (Keras 3's banded attention), which Graft does not implement.");
        return config;
    }

    /// <summary>Number of heads.</summary>
    public int NumHeads { get; }
    /// <summary>Per-head size of query and key.</summary>
    public int KeyDim { get; }
    /// <summary>Per-head size of value.</summary>
    public int ValueDim { get; }
    /// <summary>Dropout on the attention weights.</summary>
    public float Dropout { get; }
    /// <summary>Whether the projections have biases.</summary>
    public bool UseBias { get; }
    /// <summary>The output's trailing axes, or null for the query's features.</summary>
    public IntTuple? OutputShape { get; }
    /// <summary>Seed of the dropout mask, or null.</summary>
    public long? Seed { get; }
    /// <summary>The axes attended over as given, or null for every axis between the batch and the features.</summary>
    public int[]? AttentionAxes => _attentionAxes is null ? null : (int[])_attentionAxes.Clone();
    /// <summary>Kernel initializer.</summary>
    public Initializer KernelInitializer { get; }
    /// <summary>Bias initializer.</summary>
    public Initializer BiasInitializer { get; }
    /// <summary>Penalty on the kernels, or null.</summary>
    public Regularizer? KernelRegularizer { get; }
    /// <summary>Penalty on the biases, or null.</summary>
    public Regularizer? BiasRegularizer { get; }
    /// <summary>Projection of the kernels after each step, or null.</summary>
    public Constraint? KernelConstraint { get; }
    /// <summary>Projection of the biases after each step, or null.</summary>
    public Constraint? BiasConstraint { get; }

    /// <inheritdoc/>
    protected internal override bool TrainingMatchesInference => Dropout == 0;

    /// <inheritdoc/>
    /// <remarks>Keras hands the activity regularizer to the four projections (its EinsumDense sub-layers), not to the layer's output.</remarks>
    private protected override bool PenalizesOutputActivity => false;

    /// <summary>
    /// Attends (Keras's <c>mha(query, value, key, use_causal_mask=...)</c>).
    /// </summary>
    /// <param name="inputs">[query, value] or [query, value, key].</param>
    /// <param name="training">Training mode: dropout on the attention weights.</param>
    /// <param name="useCausalMask">Keras's <c>use_causal_mask</c>: query position i (of axis 1) attends to value positions j ≤ i only.</param>
    public Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false, bool useCausalMask = false) =>
        CallWith(inputs, training, xs => Attend(xs, useCausalMask));

    /// <summary>The functional form of <see cref="Call(IReadOnlyList{Tensor}, bool, bool)"/>; the causal mask is saved with the call, as Keras saves it in the node's arguments.</summary>
    /// <param name="inputs">[query, value] or [query, value, key].</param>
    /// <param name="training">A fixed training mode for this call, or null to follow the model's.</param>
    /// <param name="useCausalMask">Keras's <c>use_causal_mask</c>.</param>
    public Models.SymbolicTensor Call(IReadOnlyList<Models.SymbolicTensor> inputs, bool? training = null, bool useCausalMask = false) =>
        CallWith(inputs, training, AttentionBase.CausalKwargs(useCausalMask));

    internal override Tensor[] CallNode(IReadOnlyList<Tensor> inputs, bool training, JsonObject? kwargs) =>
        [Call(inputs, training, AttentionBase.UsesCausalMask(kwargs, Describe()))];

    /// <inheritdoc/>
    public override void Build(int?[] inputShape) => Build([inputShape, inputShape]);

    /// <inheritdoc/>
    public override void Build(IReadOnlyList<int?[]> shapes)
    {
        CheckShapes(shapes);
        var q = shapes[0];
        var v = shapes.Count > 1 ? shapes[1] : q;
        var k = shapes.Count > 2 ? shapes[2] : v;
        _axes = NormalizedAxes(q.Length);
        var kernel = new WeightOptions(KernelInitializer, KernelRegularizer, KernelConstraint);
        var bias = new WeightOptions(BiasInitializer, BiasRegularizer, BiasConstraint);
        (Variable, Variable?) Projection(string part, int input, int dim) => (
            AddWeight($"{part}/kernel", [input, NumHeads, dim], kernel),
            UseBias ? AddWeight($"{part}/bias", [NumHeads, dim], bias) : null);
        (_wq, _bq) = Projection("query", q[^1]!.Value, KeyDim);
        (_wk, _bk) = Projection("key", k[^1]!.Value, KeyDim);
        (_wv, _bv) = Projection("value", v[^1]!.Value, ValueDim);
        int[] outShape = OutputShape is { } o ? [.. o] : [q[^1]!.Value];
        _wo = AddWeight("attention_output/kernel", [NumHeads, ValueDim, .. outShape], kernel);
        _bo = UseBias ? AddWeight("attention_output/bias", outShape, bias) : null;
        base.Build(q);
    }

    /// <summary>The attention axes for a query of <paramref name="rank"/>, ascending, each in 1 … rank − 2.</summary>
    private int[] NormalizedAxes(int rank)
    {
        if (_attentionAxes is null) return [.. Enumerable.Range(1, rank - 2)];
        // Keras normalizes a negative axis against the projected rank minus one, which is the query's rank.
        var axes = _attentionAxes.Select(a => a < 0 ? a + rank : a).ToArray();
        if (axes.Any(a => a < 1 || a > rank - 2) || axes.Distinct().Count() != axes.Length)
            throw new ArgumentException($"{Describe()}: expected attention_axes among the axes between the batch and the features (1 … {rank - 2}) of a rank-{rank} query, got [{string.Join(", ", _attentionAxes)}].");
        return [.. axes.Order()];
    }

    /// <summary>Checks [query, value(, key)] shapes: one rank ≥ 3, known features, the key's axes those of the value.</summary>
    private void CheckShapes(IReadOnlyList<int?[]> shapes)
    {
        if (shapes.Count is not (1 or 2 or 3) || shapes.Any(s => s.Length < 3 || s.Length != shapes[0].Length || s[^1] is null))
            throw new ArgumentException($"{Describe()}: expected [query, value] or [query, value, key] of one rank, each (batch, …, features) with known features, got {string.Join(", ", shapes.Select(FormatShape))}.");
        if (shapes.Count == 3 && shapes[1][1..^1].Zip(shapes[2][1..^1]).Any(p => p.First is { } a && p.Second is { } b && a != b))
            throw new ArgumentException($"{Describe()}: expected a key and value equal in every axis but the last, got value {FormatShape(shapes[1])} and key {FormatShape(shapes[2])}.");
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Keras 3 keeps the four projections in EinsumDense sub-layers saved under the attributes
    /// <c>query_dense</c>, <c>key_dense</c>, <c>value_dense</c> and <c>output_dense</c>, each with
    /// <c>vars/0</c> the kernel and <c>vars/1</c> the bias (keras/src/layers/attention/multi_head_attention.py).
    /// </remarks>
    protected internal override IEnumerable<(string Path, Variable Weight)> KerasWeightPaths()
    {
        foreach (var (attribute, kernel, bias) in new[] { ("query_dense", _wq, _bq), ("key_dense", _wk, _bk), ("value_dense", _wv, _bv), ("output_dense", _wo, _bo) })
        {
            if (kernel is not null) yield return ($"{attribute}/vars/0", kernel);
            if (bias is not null) yield return ($"{attribute}/vars/1", bias);
        }
    }

    /// <summary>(N, d…, f) · (f, heads, dim) + (heads, dim) → (N, d…, heads, dim), with the projection's activity penalty.</summary>
    private Tensor Project(Tensor x, Variable w, Variable? b, int dim)
    {
        int rows = x.Shape.Size / x.Shape[^1];
        var flat = Ops.MatMulAdd(Ops.Reshape(x, rows, x.Shape[^1]), Ops.Reshape(w.Value, w.Shape[0], NumHeads * dim), b is null ? null : Ops.Reshape(b.Value, NumHeads * dim));
        var y = Ops.Reshape(flat, [.. x.Shape.Dims[..^1], NumHeads, dim]);
        AddActivityPenalty(y);
        return y;
    }

    /// <summary>
    /// (N, d…, heads, dim) → (N·Π other axes, heads, Π attention axes, dim): the other axes folded into
    /// the batch, the attention axes flattened, in Keras's score layout.
    /// </summary>
    private Tensor ToHeads(Tensor projected, int[] others)
    {
        int rank = projected.Rank - 1;   // the input's rank
        var p = Ops.Permute(projected, [0, .. others, rank - 1, .. _axes, rank]);
        int batch = projected.Shape[0] * others.Aggregate(1, (n, a) => n * projected.Shape[a]);
        int steps = _axes.Aggregate(1, (n, a) => n * projected.Shape[a]);
        return Ops.Reshape(p, batch, NumHeads, steps, projected.Shape[^1]);
    }

    /// <inheritdoc/>
    protected override Tensor Combine(IReadOnlyList<Tensor> xs) => Attend(xs, useCausalMask: false);

    private Tensor Attend(IReadOnlyList<Tensor> xs, bool useCausalMask)
    {
        if (xs.Count is not (2 or 3)) throw new ArgumentException($"{Describe()}: expected [query, value] or [query, value, key], got {xs.Count} inputs.");
        var (q, v) = (xs[0], xs[1]);
        var k = xs.Count == 3 ? xs[2] : v;
        int rank = q.Rank;
        var others = Enumerable.Range(1, rank - 2).Except(_axes).ToArray();
        if (v.Rank != rank || k.Rank != rank || q.Shape[0] != v.Shape[0] || k.Shape[0] != v.Shape[0] || rank != BuiltInputShape!.Length
            || others.Any(a => q.Shape[a] != v.Shape[a]) || Enumerable.Range(1, rank - 2).Any(a => k.Shape[a] != v.Shape[a])
            || q.Shape[^1] != _wq!.Shape[0] || k.Shape[^1] != _wk!.Shape[0] || v.Shape[^1] != _wv!.Shape[0])
            throw new ArgumentException($"{Describe()}: expected query (N, …, {_wq!.Shape[0]}), value (N, …, {_wv!.Shape[0]}) and key (N, …, {_wk!.Shape[0]}) of rank {BuiltInputShape!.Length}, "
                + $"equal in the axes outside attention_axes [{string.Join(", ", _axes)}] (and key and value in all but the last), got {q.Shape}, {v.Shape} and {k.Shape}.");
        // Keras scales the projected query by 1/√keyDim before the product.
        var qp = Ops.Multiply(Project(q, _wq, _bq, KeyDim), 1f / MathF.Sqrt(KeyDim));
        var kp = Project(k, _wk, _bk, KeyDim);
        var vp = Project(v, _wv!, _bv, ValueDim);
        var scores = Ops.MatMul(ToHeads(qp, others), ToHeads(kp, others), transposeB: true);   // (N', heads, Tq, Tv)
        var mask = AttentionMask(q, v, k, useCausalMask, others, scores.Shape);
        Tensor weights;
        if (mask is null) weights = Ops.Softmax(scores);
        else
        {
            // Keras's masked softmax (layers.Softmax with a mask): −10⁹ where masked, and zero weight
            // there afterwards, so a fully masked row (a padding query) attends to nothing.
            var kept = Ops.Add(Ops.Multiply(scores, mask), Ops.Multiply(Ops.Subtract(mask, Tensor.Scalar(1f, mask.Device)), 1e9f));
            weights = Ops.Multiply(Ops.Softmax(kept), mask);
        }
        if (Training && Dropout > 0) weights = Ops.Dropout(weights, Dropout, Ops.DropoutMask(weights.Shape.ToArray(), Dropout, _generator));
        var attended = Ops.MatMul(weights, ToHeads(vp, others));                             // (N', heads, Tq, valueDim)
        // Back to (N, d…, heads, valueDim): unfold the batch and the attention axes, then undo the permutation.
        int[] keras = [q.Shape[0], .. others.Select(a => q.Shape[a]), NumHeads, .. _axes.Select(a => q.Shape[a]), ValueDim];
        int[] perm = [0, .. others, rank - 1, .. _axes, rank];
        var inverse = new int[perm.Length];
        for (int i = 0; i < perm.Length; i++) inverse[perm[i]] = i;
        var heads = Ops.Permute(Ops.Reshape(attended, keras), inverse);
        int rows = q.Shape.Size / q.Shape[^1];
        var w = _wo!.Value;
        int outSize = w.Shape.Size / (NumHeads * ValueDim);
        var flat = Ops.MatMulAdd(Ops.Reshape(heads, rows, NumHeads * ValueDim), Ops.Reshape(w, NumHeads * ValueDim, outSize), _bo is null ? null : Ops.Reshape(_bo.Value, outSize));
        var output = Ops.Reshape(flat, [.. q.Shape.Dims[..^1], .. w.Shape.Dims[2..]]);
        AddActivityPenalty(output);
        return output;
    }

    /// <summary>
    /// Keras's attention mask (<c>_compute_attention_mask</c>) in Graft's score layout (N', 1 or heads,
    /// Tq, Tv), or null without masks: the query's mask (N, …, T, 1), the value's and key's (N, …, 1, S)
    /// and the causal mask (1, T, S) of axis 1 multiplied together, expanded before the heads axis to
    /// the scores' rank (Keras's <c>_masked_softmax</c>) and broadcast against them.
    /// </summary>
    private Tensor? AttentionMask(Tensor q, Tensor v, Tensor k, bool causal, int[] others, Shape scoresShape)
    {
        Tensor? mask = null;
        void Join(Tensor m) => mask = mask is null ? m : Ops.Multiply(mask, m);
        if (q.Mask is { } qm) Join(Ops.ExpandDims(qm, -1));
        if (v.Mask is { } vm) Join(Ops.ExpandDims(vm, -2));
        if (!ReferenceEquals(k, v) && k.Mask is { } km) Join(Ops.ExpandDims(km, -2));
        if (causal) Join(Ops.ExpandDims(AttentionBase.CausalMask(q.Shape[1], v.Shape[1], q.Device), 0));
        if (mask is null) return null;
        int[] target = [q.Shape[0], .. others.Select(a => q.Shape[a]), NumHeads, .. _axes.Select(a => q.Shape[a]), .. _axes.Select(a => v.Shape[a])];
        int expansionAxis = -2 * _axes.Length - 1;
        while (mask.Rank < target.Length) mask = Ops.ExpandDims(mask, expansionAxis);
        var m = mask.Shape.Dims;
        if (m.Length != target.Length || m.Zip(target).Any(p => p.First != 1 && p.First != p.Second))
            throw new ArgumentException($"{Describe()}: expected masks that broadcast to the attention scores {Shape.Format(target)} (batch, other axes, heads, query and key attention axes), "
                + $"got a mask of shape {Shape.Format(m)} from the query, value and causal masks; Keras builds the same mask and fails alike.");
        // Broadcast all but the heads axis (the multiply with the scores broadcasts that one), then fold.
        int headsAxis = 1 + others.Length;
        int[] full = [.. target.Select((d, i) => i == headsAxis ? m[i] : d)];
        if (!m.SequenceEqual(full)) mask = Ops.Multiply(mask, Tensor.Ones(full, mask.Device));
        return Ops.Reshape(mask, scoresShape[0], m[headsAxis], scoresShape[2], scoresShape[3]);
    }

    /// <inheritdoc/>
    /// <remarks>The query's mask, as in Keras.</remarks>
    protected internal override Tensor? MergeMask(IReadOnlyList<Tensor> inputs) => inputs[0].Mask;

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(IReadOnlyList<int?[]> shapes)
    {
        if (shapes.Count is not (2 or 3))
            throw new ArgumentException($"{Describe()}: expected [query, value] or [query, value, key], got {string.Join(", ", shapes.Select(FormatShape))}.");
        CheckShapes(shapes);
        var q = shapes[0];
        return OutputShape is { } o ? [.. q[..^1], .. o.Select(d => (int?)d)] : [.. q];
    }
}
