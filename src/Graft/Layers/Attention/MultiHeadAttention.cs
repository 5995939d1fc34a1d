using Graft.Autograd;
using Graft.Initializers;
using Graft.Layers.Merging;
using Graft.Tensors;

namespace Graft.Layers.Attention;

/// <summary>
/// Multi-head scaled dot-product attention (Keras's <c>layers.MultiHeadAttention</c>), called on
/// [query (N, Tq, dq), value (N, Tv, dv)] or [query, value, key]; self-attention is
/// <c>mha.Call([x, x])</c>. Each head projects query and key to <see cref="KeyDim"/> and value to
/// <see cref="ValueDim"/>, attends with softmax(q·kᵀ/√keyDim), and the heads are projected back to
/// dq (or <c>outputShape</c>). Weights in Keras's order and shapes: query, key and value kernels
/// (d, heads, dim) with biases (heads, dim), then the output kernel (heads, valueDim, out) and bias (out).
/// </summary>
public sealed class MultiHeadAttention : Merge
{
    private Variable? _wq, _bq, _wk, _bk, _wv, _bv, _wo, _bo;
    private readonly Generator? _generator;

    /// <param name="numHeads">Number of heads.</param>
    /// <param name="keyDim">Size of each head for query and key.</param>
    /// <param name="valueDim">Size of each head for value (default keyDim).</param>
    /// <param name="dropout">Dropout on the attention weights, training only.</param>
    /// <param name="useBias">Whether the projections have biases.</param>
    /// <param name="outputShape">Size of the output's last axis (default: the query's).</param>
    /// <param name="kernelInitializer">Default glorot_uniform.</param>
    /// <param name="biasInitializer">Default zeros.</param>
    /// <param name="seed">Seed for the dropout mask.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="attentionAxes">Keras's attention axes: null (or the steps axis, 1 or -2), the only ones Graft supports.</param>
    /// <exception cref="NotSupportedException">Attention over other axes, or an output shape of several axes.</exception>
    public MultiHeadAttention(int numHeads, int keyDim, int? valueDim = null, double dropout = 0, bool useBias = true, IntTuple? outputShape = null,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null, long? seed = null, string? name = null, int[]? attentionAxes = null) : base(name)
    {
        if (attentionAxes is not null && !(attentionAxes.Length == 1 && attentionAxes[0] is 1 or -2))
            throw new NotSupportedException($"MultiHeadAttention '{Name}': expected attention_axes null (attention over the steps of (batch, steps, features)), got [{string.Join(", ", attentionAxes)}].");
        if (outputShape is { Count: > 1 } shape)
            throw new NotSupportedException($"MultiHeadAttention '{Name}': expected output_shape of one axis, got {shape}.");
        if (numHeads <= 0 || keyDim <= 0 || valueDim <= 0)
            throw new ArgumentOutOfRangeException(nameof(numHeads), $"MultiHeadAttention: expected num_heads, key_dim and value_dim > 0, got {numHeads}, {keyDim} and {valueDim}.");
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentOutOfRangeException(nameof(dropout), $"MultiHeadAttention: expected dropout in [0, 1), got {dropout}.");
        NumHeads = numHeads; KeyDim = keyDim; ValueDim = valueDim ?? keyDim; Dropout = (float)dropout; UseBias = useBias; OutputShape = outputShape is { Count: 1 } size ? size[0] : null; Seed = seed;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
        if (seed is { } s) _generator = new Generator(s);
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
    /// <summary>Output size, or null for the query's.</summary>
    public int? OutputShape { get; }
    /// <summary>Seed of the dropout mask, or null.</summary>
    public long? Seed { get; }
    /// <summary>The axes attended over: null, the steps of (batch, steps, features).</summary>
    public int[]? AttentionAxes => null;
    /// <summary>Kernel initializer.</summary>
    public Initializer KernelInitializer { get; }
    /// <summary>Bias initializer.</summary>
    public Initializer BiasInitializer { get; }

    /// <inheritdoc/>
    protected internal override bool TrainingMatchesInference => Dropout == 0;

    private static int Features(int?[] shape, string what, string subject) =>
        shape.Length == 3 && shape[2] is int d ? d : throw new ArgumentException($"{subject}: expected a {what} (batch, steps, features) with known features, got {FormatShape(shape)}.");

    /// <inheritdoc/>
    public override void Build(int?[] inputShape) => Build([inputShape, inputShape]);

    /// <inheritdoc/>
    public override void Build(IReadOnlyList<int?[]> shapes)
    {
        int dq = Features(shapes[0], "query", Describe());
        int dv = Features(shapes.Count > 1 ? shapes[1] : shapes[0], "value", Describe());
        int dk = shapes.Count > 2 ? Features(shapes[2], "key", Describe()) : dv;
        (Variable, Variable?) Projection(string part, int input, int dim) => (
            AddWeight($"{part}/kernel", [input, NumHeads, dim], KernelInitializer),
            UseBias ? AddWeight($"{part}/bias", [NumHeads, dim], BiasInitializer) : null);
        (_wq, _bq) = Projection("query", dq, KeyDim);
        (_wk, _bk) = Projection("key", dk, KeyDim);
        (_wv, _bv) = Projection("value", dv, ValueDim);
        int dOut = OutputShape ?? dq;
        _wo = AddWeight("attention_output/kernel", [NumHeads, ValueDim, dOut], KernelInitializer);
        _bo = UseBias ? AddWeight("attention_output/bias", [dOut], BiasInitializer) : null;
        base.Build(shapes[0]);
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

    /// <summary>(N, T, d) · (d, heads, dim) + (heads, dim) → (N, heads, T, dim).</summary>
    private static Tensor Project(Tensor x, Variable w, Variable? b, int heads, int dim)
    {
        var flat = Ops.MatMulAdd(x, Ops.Reshape(w.Value, w.Shape[0], heads * dim), b is null ? null : Ops.Reshape(b.Value, heads * dim));
        return Ops.Permute(Ops.Reshape(flat, x.Shape[0], x.Shape[1], heads, dim), 0, 2, 1, 3);
    }

    /// <inheritdoc/>
    protected override Tensor Combine(IReadOnlyList<Tensor> xs)
    {
        if (xs.Count is not (2 or 3)) throw new ArgumentException($"{Describe()}: expected [query, value] or [query, value, key], got {xs.Count} inputs.");
        var (q, v) = (xs[0], xs[1]);
        var k = xs.Count == 3 ? xs[2] : v;
        if (q.Rank != 3 || v.Rank != 3 || k.Rank != 3 || q.Shape[0] != v.Shape[0] || k.Shape[1] != v.Shape[1]
            || q.Shape[2] != _wq!.Shape[0] || k.Shape[2] != _wk!.Shape[0] || v.Shape[2] != _wv!.Shape[0])
            throw new ArgumentException($"{Describe()}: expected query (N, Tq, {_wq!.Shape[0]}), value (N, Tv, {_wv!.Shape[0]}) and key (N, Tv, {_wk!.Shape[0]}), got {q.Shape}, {v.Shape} and {k.Shape}.");
        int n = q.Shape[0], tq = q.Shape[1];
        // Keras scales the projected query by 1/√keyDim before the product.
        var qh = Ops.Multiply(Project(q, _wq, _bq, NumHeads, KeyDim), 1f / MathF.Sqrt(KeyDim));
        var kh = Project(k, _wk, _bk, NumHeads, KeyDim);
        var vh = Project(v, _wv!, _bv, NumHeads, ValueDim);
        var scores = Ops.MatMul(qh, kh, transposeB: true);                         // (N, heads, Tq, Tv)
        var mask = AttentionMask(q, v, k);
        Tensor weights;
        if (mask is null) weights = Ops.Softmax(scores);
        else
        {
            // Keras's masked softmax (layers.Softmax with a mask): −10⁹ where masked, and zero weight
            // there afterwards, so a fully masked row (a padding query) attends to nothing.
            var m = Ops.ExpandDims(mask, 1);
            var kept = Ops.Add(Ops.Multiply(scores, m), Ops.Multiply(Ops.Subtract(m, Tensor.Scalar(1f)), 1e9f));
            weights = Ops.Multiply(Ops.Softmax(kept), m);
        }
        if (Training && Dropout > 0) weights = Ops.Dropout(weights, Dropout, Ops.DropoutMask(weights.Shape.ToArray(), Dropout, _generator));
        var heads = Ops.Permute(Ops.MatMul(weights, vh), 0, 2, 1, 3);              // (N, Tq, heads, valueDim)
        var flat = Ops.Reshape(heads, n, tq, NumHeads * ValueDim);
        return Ops.MatMulAdd(flat, Ops.Reshape(_wo!.Value, NumHeads * ValueDim, _wo.Shape[2]), _bo?.Value);
    }

    /// <summary>
    /// Keras's automatic attention mask (N, Tq, Tv) from the inputs' sequence masks: a query step
    /// attends to a key step when the query, value and key masks all keep them; null without masks.
    /// </summary>
    private static Tensor? AttentionMask(Tensor q, Tensor v, Tensor k)
    {
        Tensor? mask = q.Mask is { } qm ? Ops.ExpandDims(qm, 2) : null;
        foreach (var other in new[] { v.Mask, ReferenceEquals(k, v) ? null : k.Mask })
            if (other is not null)
            {
                var row = Ops.ExpandDims(other, 1);
                mask = mask is null ? row : Ops.Multiply(mask, row);
            }
        return mask;
    }

    /// <inheritdoc/>
    /// <remarks>The query's mask, as in Keras.</remarks>
    protected internal override Tensor? MergeMask(IReadOnlyList<Tensor> inputs) => inputs[0].Mask;

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(IReadOnlyList<int?[]> shapes)
    {
        if (shapes.Count is not (2 or 3) || shapes.Any(s => s.Length != 3))
            throw new ArgumentException($"{Describe()}: expected [query, value] or [query, value, key], each (batch, steps, features), got {string.Join(", ", shapes.Select(FormatShape))}.");
        if (shapes.Count == 3 && shapes[1][1] is { } tv && shapes[2][1] is { } tk && tv != tk)
            throw new ArgumentException($"{Describe()}: expected a key and value of the same steps, got value {FormatShape(shapes[1])} and key {FormatShape(shapes[2])}.");
        return [shapes[0][0], shapes[0][1], OutputShape ?? shapes[0][2]];
    }
}
