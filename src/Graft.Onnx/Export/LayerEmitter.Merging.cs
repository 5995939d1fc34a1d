using Graft.Layers.Attention;
using Graft.Layers.Merging;

namespace Graft.Onnx.Export;

/// <summary>
/// Merging layers and attention (MatMul and Softmax), with numpy broadcasting as in Graft, and
/// sequence masks as Graft gives them: a merge keeps a step where every masked input does (a
/// concatenation along the features where any does), attention ignores padded values and zeroes
/// padded queries, and keeps the query's mask.
/// </summary>
internal sealed partial class LayerEmitter
{
    private Value EmitMerge(Merge m, IReadOnlyList<Value> inputs)
    {
        string h = m.Name;
        var names = inputs.Select(v => v.Name).ToArray();
        var shape = m.ComputeOutputShape(inputs.Select(v => v.Shape).ToList());
        string y = m switch
        {
            Add => G.Op("Sum", h, names),
            Average => G.Op("Mean", h, names),
            Maximum => G.Op("Max", h, names),
            Minimum => G.Op("Min", h, names),
            Subtract when names.Length == 2 => Binary("Sub", names[0], names[1], h),
            Multiply => names.Skip(1).Aggregate(names[0], (a, b) => Binary("Mul", a, b, h)),
            Concatenate c => G.Op("Concat", h, names, ("axis", c.Axis)),
            Attention { ScoreMode: "concat" } a => ConcatAttention(a, inputs),
            Dot d => BatchDot(d, inputs, shape),
            Attention a => DotAttention(a, inputs),
            AdditiveAttention a => Additive(a, inputs),
            MultiHeadAttention a => MultiHead(a, inputs),
            _ => EmitImportedMerge(m, names) ?? throw Unsupported(m),
        };
        return new Value(y, shape, MergeMask(m, inputs));
    }

    private string? MergeMask(Merge m, IReadOnlyList<Value> inputs)
    {
        if (inputs.All(v => v.Mask is null)) return null;
        string h = m.Name;
        switch (m)
        {
            case AttentionBase or MultiHeadAttention: return inputs[0].Mask;
            case Dot: return null;
            case Concatenate c:
            {
                int rank = inputs[0].Rank, a = c.Axis < 0 ? c.Axis + rank : c.Axis;
                // An input without a mask keeps every step: ones of its shape without the last axis.
                var masks = inputs.Select(v => v.Mask ?? G.Op("Expand", h, [G.Scalar($"{h}/one", 1f), ShapeOf(v.Name, h, 0, rank - 1)])).ToArray();
                if (a < rank - 1) return G.Op("Concat", h, masks, ("axis", a));
                var one = G.Scalar($"{h}/one", 1f);
                var none = masks.Select(x => Binary("Sub", one, x, h)).Aggregate((x, y) => Binary("Mul", x, y, h));
                return Binary("Sub", one, none, h);
            }
            default:
                return inputs.Select(v => v.Mask).OfType<string>().Aggregate((x, y) => Binary("Mul", x, y, h));
        }
    }

    /// <summary>Keras's Attention masks: scores − 10⁹ at padded value steps (mask (N, Tv) → (N, 1, Tv)).</summary>
    private string MaskScores(string scores, Value q, Value v, string h)
    {
        // Keras's _calculate_score_mask: the value's mask (N, 1, Tv) and, in a causal call, the causal mask (Tq, Tv).
        string? keep = v.Mask is { } vm ? Unsqueeze(vm, h, 1) : null;
        if (_causalCall)
        {
            var causal = CausalMask(q, v, h);
            keep = keep is null ? causal : Binary("Mul", keep, causal, h);
        }
        return keep is null ? scores : Binary("Sub", scores, Binary("Mul", Binary("Sub", G.Scalar($"{h}/one", 1f), keep, h), G.Scalar($"{h}/big", 1e9f), h), h);
    }

    /// <summary>Keras's causal mask as a constant (Tq, Tv): 1 where the value step is at most the query step.</summary>
    private string CausalMask(Value q, Value v, string h)
    {
        if (q.Shape[1] is not int tq || v.Shape[1] is not int tv)
            throw new NotSupportedException($"{h}: expected query and value of known lengths for the causal mask, got {Graft.Layers.Layer.FormatShape(q.Shape)} and {Graft.Layers.Layer.FormatShape(v.Shape)}.");
        var mask = new float[tq * tv];
        for (int i = 0; i < tq; i++)
            for (int j = 0; j <= Math.Min(i, tv - 1); j++) mask[i * tv + j] = 1f;
        return G.Floats($"{h}/causal_mask", mask, tq, tv);
    }

    /// <summary>The output of softmax(scores)·v, zero at padded query steps.</summary>
    private string AttendAndMask(string scores, Value q, Value v, string h)
    {
        var y = G.Op("MatMul", h, [G.Op("Softmax", h, [MaskScores(scores, q, v, h)], ("axis", -1)), v.Name]);
        return q.Mask is { } qm ? Binary("Mul", y, Unsqueeze(qm, h, 2), h) : y;
    }

    /// <summary>softmax(w·Σ_d tanh(scale·(q + k)))·v (Keras's Attention, score_mode "concat").</summary>
    private string ConcatAttention(Attention a, IReadOnlyList<Value> inputs)
    {
        string h = a.Name;
        var (q, v, k) = AttentionInputs(a, inputs);
        var sum = Binary("Add", Unsqueeze(q.Name, h, 2), Unsqueeze(k.Name, h, 1), h);
        if (Weight(a, "scale") is { } s) sum = Binary("Mul", sum, Initializer(a, s), h);
        var scores = G.Op("ReduceSum", h, [G.Op("Tanh", h, [sum]), G.Ints($"{h}/axes", [3])], ("keepdims", 0));
        scores = Binary("Mul", scores, Initializer(a, Required(a, "concat_score_weight")), h);
        return AttendAndMask(scores, q, v, h);
    }

    /// <summary>
    /// Keras's batch_dot, as Graft computes it: x with the contracted axis moved last, y with it
    /// moved first, each folded to 3-D, one batched MatMul, unfolded to the output's shape (the
    /// sample axes must be known, as the folds need them).
    /// </summary>
    private string BatchDot(Dot d, IReadOnlyList<Value> inputs, int?[] shape)
    {
        string h = d.Name;
        if (inputs.Count != 2) throw new ArgumentException($"{Describe(d)}: expected exactly 2 inputs, got {inputs.Count}.");
        Value x = inputs[0], y = inputs[1];
        int ax = d.Axes[0], ay = d.Axes.Length == 2 ? d.Axes[1] : d.Axes[0];
        ax = ax < 0 ? ax + x.Rank : ax; ay = ay < 0 ? ay + y.Rank : ay;
        if (x.Shape.Skip(1).Concat(y.Shape.Skip(1)).Any(s => s is null)) throw Unsupported(d, "inputs with unknown sample sizes");
        long n = x.Shape[ax]!.Value;
        string xn = x.Name, yn = y.Name;
        if (d.Normalize) { xn = L2Normalize(xn, ax, h); yn = L2Normalize(yn, ay, h); }
        var xm = ReshapeTo(Transpose(xn, h, [0, .. Enumerable.Range(1, x.Rank - 1).Where(i => i != ax), ax]), h, 0, -1, n);
        var ym = ReshapeTo(Transpose(yn, h, [0, ay, .. Enumerable.Range(1, y.Rank - 1).Where(i => i != ay)]), h, 0, n, -1);
        return ReshapeTo(G.Op("MatMul", h, [xm, ym]), h, [0, .. shape.Skip(1).Select(s => (long)s!.Value)]);
    }

    /// <summary>x / √max(Σx², 1e-14) along <paramref name="axis"/>: Keras's normalize with epsilon 1e-7, as Graft's Dot computes it.</summary>
    private string L2Normalize(string x, int axis, string h)
    {
        var squares = G.Op("ReduceSum", h, [Binary("Mul", x, x, h), G.Ints($"{h}/axes", [axis])], ("keepdims", 1));
        return Binary("Div", x, G.Op("Sqrt", h, [Binary("Max", squares, G.Scalar($"{h}/min_square", 1e-14f), h)]), h);
    }

    /// <summary>[query, value] or [query, value, key]: the key defaults to the value.</summary>
    private static (Value Query, Value Value, Value Key) AttentionInputs(Merge layer, IReadOnlyList<Value> inputs) => inputs.Count switch
    {
        2 => (inputs[0], inputs[1], inputs[1]),
        3 => (inputs[0], inputs[1], inputs[2]),
        _ => throw new ArgumentException($"{Describe(layer)}: expected [query, value] or [query, value, key], got {inputs.Count} inputs."),
    };

    /// <summary>A transpose that swaps the last two axes of a rank-<paramref name="rank"/> tensor.</summary>
    private string SwapLast(string x, int rank, string h) => Transpose(x, h, [.. Enumerable.Range(0, rank - 2), rank - 1, rank - 2]);

    /// <summary>softmax(q·kᵀ·scale)·v (Keras's Attention, score_mode "dot").</summary>
    private string DotAttention(Attention a, IReadOnlyList<Value> inputs)
    {
        string h = a.Name;
        var (q, v, k) = AttentionInputs(a, inputs);
        var scores = G.Op("MatMul", h, [q.Name, SwapLast(k.Name, k.Rank, h)]);
        if (Weight(a, "scale") is { } s) scores = Binary("Mul", scores, Initializer(a, s), h);
        return AttendAndMask(scores, q, v, h);
    }

    /// <summary>softmax(Σ_d scale·tanh(q + k))·v (Keras's AdditiveAttention), q (N, Tq, d) and k (N, Tv, d).</summary>
    private string Additive(AdditiveAttention a, IReadOnlyList<Value> inputs)
    {
        string h = a.Name;
        var (q, v, k) = AttentionInputs(a, inputs);
        var features = G.Op("Tanh", h, [Binary("Add", Unsqueeze(q.Name, h, 2), Unsqueeze(k.Name, h, 1), h)]);
        if (Weight(a, "scale") is { } s) features = Binary("Mul", features, Initializer(a, s), h);
        var scores = G.Op("ReduceSum", h, [features, G.Ints($"{h}/axes", [3])], ("keepdims", 0));
        return AttendAndMask(scores, q, v, h);
    }

    /// <summary>
    /// Keras's MultiHeadAttention: per-head projections (N, T, heads, dim) → (N, heads, T, dim), the
    /// query scaled by 1/√key_dim, softmax over the keys, heads joined and projected out.
    /// </summary>
    private string MultiHead(MultiHeadAttention a, IReadOnlyList<Value> inputs)
    {
        string h = a.Name;
        var (q, v, k) = AttentionInputs(a, inputs);
        if (q.Rank != 3 || a.AttentionAxes is { } axes && !(axes is [1] or [-2]) || a.OutputShape is { Count: > 1 })
            throw Unsupported(a, "ONNX export writes attention over the steps of (batch, steps, features) with a one-axis output_shape only");
        string Project(Value x, string part, int dim)
        {
            var w = Required(a, $"{part}/kernel");
            var y = G.Op("MatMul", h, [x.Name, Initializer(a, w, [w.Shape[0], w.Shape[1] * w.Shape[2]])]);
            if (Weight(a, $"{part}/bias") is { } b) y = Binary("Add", y, Initializer(a, b, [b.Shape[0] * b.Shape[1]]), h);
            return Transpose(ReshapeTo(y, h, 0, 0, a.NumHeads, dim), h, 0, 2, 1, 3);
        }
        var qh = Binary("Mul", Project(q, "query", a.KeyDim), G.Scalar($"{h}/inv_sqrt_key_dim", 1f / MathF.Sqrt(a.KeyDim)), h);
        var kh = Project(k, "key", a.KeyDim);
        var vh = Project(v, "value", a.ValueDim);
        var scores = G.Op("MatMul", h, [qh, SwapLast(kh, 4, h)]);
        string weights;
        // Keras's automatic attention mask from the query, value and key masks, (N, 1, Tq, Tv).
        var parts = new List<string>();
        if (q.Mask is { } qm) parts.Add(Unsqueeze(qm, h, 1, 3));
        if (v.Mask is { } vm) parts.Add(Unsqueeze(vm, h, 1, 2));
        if (!ReferenceEquals(k, v) && k.Mask is { } km) parts.Add(Unsqueeze(km, h, 1, 2));
        if (_causalCall) parts.Add(CausalMask(q, v, h));
        if (parts.Count == 0) weights = G.Op("Softmax", h, [scores], ("axis", -1));
        else
        {
            var m = parts.Aggregate((x, y) => Binary("Mul", x, y, h));
            var kept = Binary("Add", Binary("Mul", scores, m, h), Binary("Mul", Binary("Sub", m, G.Scalar($"{h}/one", 1f), h), G.Scalar($"{h}/big", 1e9f), h), h);
            weights = Binary("Mul", G.Op("Softmax", h, [kept], ("axis", -1)), m, h);
        }
        var heads = ReshapeTo(Transpose(G.Op("MatMul", h, [weights, vh]), h, 0, 2, 1, 3), h, 0, 0, a.NumHeads * a.ValueDim);
        var wo = Required(a, "attention_output/kernel");
        var y2 = G.Op("MatMul", h, [heads, Initializer(a, wo, [wo.Shape[0] * wo.Shape[1], wo.Shape[2]])]);
        return Weight(a, "attention_output/bias") is { } bo ? Binary("Add", y2, Initializer(a, bo), h) : y2;
    }
}
