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

    /// <summary>ONNX's LayerNormalization (opset 17) over the last axis: Graft's only one.</summary>
    private string LayerNorm(LayerNormalization l, Value x)
    {
        int features = x.Shape[^1] ?? throw new InvalidOperationException($"{Describe(l)}: expected a known last dimension, got unknown.");
        var gamma = Weight(l, "gamma") is { } g ? Initializer(l, g) : G.Floats($"{l.Name}/gamma", Enumerable.Repeat(1f, features).ToArray(), features);
        string[] inputs = Weight(l, "beta") is { } b ? [x.Name, gamma, Initializer(l, b)] : [x.Name, gamma];
        return G.Op("LayerNormalization", l.Name, inputs, ("axis", -1), ("epsilon", l.Epsilon));
    }
}
