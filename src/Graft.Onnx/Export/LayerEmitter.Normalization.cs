using Graft.Layers;
using Graft.Layers.Normalization;

namespace Graft.Onnx.Export;

/// <summary>Normalization in inference form.</summary>
internal sealed partial class LayerEmitter
{
    private string? EmitNormalization(Layer layer, Value x) => layer switch
    {
        BatchNormalization b => BatchNorm(b, x),
        LayerNormalization l => LayerNorm(l, x),
        GroupNormalization g => GroupNorm(g, x),
        UnitNormalization u => UnitNorm(u, x),
        RMSNormalization r => RmsNorm(r, x),
        _ => null,
    };

    /// <summary>
    /// BatchNormalization with its moving statistics folded into one scale and one offset per
    /// feature, γ/√(σ² + ε) and β − μ·γ/√(σ² + ε), broadcast along the layer's axis (any axis, where
    /// ONNX's BatchNormalization reads channels on axis 1 only).
    /// </summary>
    private string BatchNorm(BatchNormalization b, Value x)
    {
        var mean = Required(b, "moving_mean").Value.ToArray();
        var variance = Required(b, "moving_variance").Value.ToArray();
        var gamma = Weight(b, "gamma")?.Value.ToArray();
        var beta = Weight(b, "beta")?.Value.ToArray();
        int n = mean.Length;
        var scale = new float[n];
        var offset = new float[n];
        for (int i = 0; i < n; i++)
        {
            double s = (gamma?[i] ?? 1.0) / Math.Sqrt(variance[i] + (double)b.Epsilon);
            scale[i] = (float)s;
            offset[i] = (float)((beta?[i] ?? 0.0) - mean[i] * s);
        }
        int axis = b.Axis < 0 ? b.Axis + x.Rank : b.Axis;
        var dims = Enumerable.Repeat(1, x.Rank - 1).ToArray();
        dims[axis - 1] = n;   // the batch axis is left to broadcasting
        var y = Binary("Mul", x.Name, G.Floats($"{b.Name}/scale", scale, dims), b.Name);
        return Binary("Add", y, G.Floats($"{b.Name}/offset", offset, dims), b.Name);
    }

    /// <summary>
    /// ONNX's LayerNormalization (opset 17) normalizes over a trailing run of axes: used when the
    /// layer's axes are one. Other sets of axes (a middle axis, or axes with a gap) are normalized
    /// with explicit moments.
    /// </summary>
    private string LayerNorm(LayerNormalization l, Value x)
    {
        int rank = x.Rank;
        var axes = l.Axis.Select(a => a < 0 ? a + rank : a).Order().ToArray();
        var dims = axes.Select(a => x.Shape[a] ?? throw new InvalidOperationException($"{Describe(l)}: expected a known size on axis {a}, got unknown.")).ToArray();
        bool trailing = axes.Select((a, i) => a == rank - axes.Length + i).All(b => b);
        if (trailing)
        {
            var gamma = Weight(l, "gamma") is { } g ? Initializer(l, g) : G.Floats($"{l.Name}/gamma", Enumerable.Repeat(1f, dims.Aggregate(1, (a, b) => a * b)).ToArray(), dims);
            string[] inputs = Weight(l, "beta") is { } b ? [x.Name, gamma, Initializer(l, b)] : [x.Name, gamma];
            return G.Op("LayerNormalization", l.Name, inputs, ("axis", axes[0]), ("epsilon", l.Epsilon));
        }
        // gamma and beta hold the normalized axes' sizes; 1 elsewhere lets them broadcast (the batch axis is left out).
        var broadcast = Enumerable.Repeat(1, rank - 1).ToArray();
        foreach (var a in axes) broadcast[a - 1] = x.Shape[a]!.Value;
        return Normalized(x.Name, l.Name, axes, l.Epsilon, Weight(l, "gamma"), Weight(l, "beta"), l, broadcast);
    }

    /// <summary>(x − mean)/√(variance + ε)·γ + β, the moments over <paramref name="axes"/>, as Graft's Ops.Moments and BatchNormalization compute them.</summary>
    private string Normalized(string x, string h, IReadOnlyList<int> axes, float epsilon, Variable? gamma, Variable? beta, Layer layer, int[] broadcast)
    {
        var axisList = axes.Select(a => (long)a).ToArray();
        var mean = G.Op("ReduceMean", h, [x], ("axes", axisList), ("keepdims", 1));
        var centred = Binary("Sub", x, mean, h);
        var variance = G.Op("ReduceMean", h, [Binary("Mul", centred, centred, h)], ("axes", axisList), ("keepdims", 1));
        var y = Binary("Div", centred, G.Op("Sqrt", h, [Binary("Add", variance, G.Scalar($"{h}/epsilon", epsilon), h)]), h);
        if (gamma is not null) y = Binary("Mul", y, Initializer(layer, gamma, broadcast), h);
        if (beta is not null) y = Binary("Add", y, Initializer(layer, beta, broadcast), h);
        return y;
    }

    /// <summary>
    /// GroupNormalization: the channels axis split into (groups, channels/groups) by a Reshape built
    /// from the runtime shape, each group normalized over everything but the batch and the group,
    /// the shape restored, then γ and β per channel.
    /// </summary>
    private string GroupNorm(GroupNormalization g, Value x)
    {
        string h = g.Name;
        int rank = x.Rank, axis = g.Axis < 0 ? g.Axis + rank : g.Axis;
        int channels = x.Shape[axis] ?? throw new InvalidOperationException($"{Describe(g)}: expected a known size on axis {g.Axis}, got unknown.");
        int groups = g.Groups == -1 ? channels : g.Groups;
        var parts = new List<string>();
        if (axis > 0) parts.Add(ShapeOf(x.Name, h, 0, axis));
        parts.Add(G.Ints($"{h}/groups", [groups, channels / groups]));
        if (axis < rank - 1) parts.Add(ShapeOf(x.Name, h, axis + 1));
        var grouped = G.Op("Reshape", h, [x.Name, G.Op("Concat", h, parts, ("axis", 0))]);
        var axes = Enumerable.Range(1, rank).Where(i => i != axis).ToArray();
        var normalized = Normalized(grouped, h, axes, (float)g.Epsilon, null, null, g, []);
        var y = G.Op("Reshape", h, [normalized, G.Op("Shape", h, [x.Name])]);
        var broadcast = Enumerable.Repeat(1, rank - 1).ToArray();
        broadcast[axis - 1] = channels;
        if (Weight(g, "gamma") is { } gamma) y = Binary("Mul", y, Initializer(g, gamma, broadcast), h);
        if (Weight(g, "beta") is { } beta) y = Binary("Add", y, Initializer(g, beta, broadcast), h);
        return y;
    }

    /// <summary>x / √max(Σx², 1e-24) over the layer's axes, Graft's clamp of the squared norm.</summary>
    private string UnitNorm(UnitNormalization u, Value x)
    {
        string h = u.Name;
        var axes = u.Axis.Select(a => (long)(a < 0 ? a + x.Rank : a)).ToArray();
        var squares = G.Op("ReduceSum", h, [Binary("Mul", x.Name, x.Name, h), G.Ints($"{h}/axes", axes)], ("keepdims", 1));
        var norm = G.Op("Sqrt", h, [Binary("Max", squares, G.Scalar($"{h}/min_square", 1e-24f), h)]);
        return Binary("Div", x.Name, norm, h);
    }

    /// <summary>x / √(mean(x²) + ε) · scale over the layer's axes (Keras's RMSNormalization).</summary>
    private string RmsNorm(RMSNormalization r, Value x)
    {
        string h = r.Name;
        var axes = r.Axis.Select(a => a < 0 ? a + x.Rank : a).Order().ToArray();
        var meanSquare = G.Op("ReduceMean", h, [Binary("Mul", x.Name, x.Name, h)], ("axes", axes.Select(a => (long)a).ToArray()), ("keepdims", 1));
        var y = Binary("Div", x.Name, G.Op("Sqrt", h, [Binary("Add", meanSquare, G.Scalar($"{h}/epsilon", (float)r.Epsilon), h)]), h);
        // The scale holds the normalized axes' sizes; 1 elsewhere lets it broadcast (the batch axis is left out).
        var broadcast = Enumerable.Repeat(1, x.Rank - 1).ToArray();
        foreach (var a in axes) broadcast[a - 1] = x.Shape[a]!.Value;
        return Binary("Mul", y, Initializer(r, Required(r, "scale"), broadcast), h);
    }
}
