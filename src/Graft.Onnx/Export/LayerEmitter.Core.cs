using Graft.Activations;
using Graft.Layers;
using Graft.Layers.Activations;
using Graft.Layers.Core;
using Graft.Layers.Pooling;
using Graft.Layers.Preprocessing;
using Graft.Layers.Regularization;

namespace Graft.Onnx.Export;

/// <summary>Core layers, activations, noise layers (identities at inference) and the layers that make or read masks.</summary>
internal sealed partial class LayerEmitter
{
    private string? EmitCore(Layer layer, Value x)
    {
        string h = layer.Name;
        switch (layer)
        {
            case Dense d:
            {
                var y = G.Op("MatMul", h, [x.Name, Initializer(d, Required(d, "kernel"))]);
                if (Weight(d, "bias") is { } b) y = Binary("Add", y, Initializer(d, b), h);
                return Activate(d.Activation, y, h);
            }
            case Activation a: return Activate(a.Function, x.Name, h);
            // At inference these pass their input through, as Keras's do.
            case Dropout or SpatialDropout2D or GaussianNoise or StochasticDepth: return G.Op("Identity", h, [x.Name]);
            case Rescaling r:
            {
                // One scale, or one per feature of the last axis.
                var scale = r.Scales is { } per ? G.Floats($"{h}/scale", per, per.Length) : G.Scalar($"{h}/scale", r.Scale.Values[0]);
                var y = Binary("Mul", x.Name, scale, h);
                return r.Offset == 0f ? y : Binary("Add", y, G.Scalar($"{h}/offset", r.Offset), h);
            }
            case ReLU r: return Relu(x.Name, h, r.NegativeSlope, r.MaxValue, r.Threshold);
            case LeakyReLU l: return G.Op("LeakyRelu", h, [x.Name], ("alpha", l.NegativeSlope));
            case ELU e: return G.Op("Elu", h, [x.Name], ("alpha", e.Alpha));
            // Graft's relu(x) − α·relu(−x) is PRelu; α has the input's shape without the batch (1 on shared axes) and broadcasts.
            case PReLU p: return G.Op("PRelu", h, [x.Name, Initializer(p, Required(p, "alpha"))]);
            // One scale per feature of the last axis, broadcast.
            case LayerScale l: return Binary("Mul", x.Name, Initializer(l, Required(l, "gamma")), h);
            case Softmax s: return G.Op("Softmax", h, [x.Name], ("axis", s.Axis));
            default: return null;
        }
    }

    /// <summary>Keras's relu with max_value, negative_slope and threshold.</summary>
    private string Relu(string x, string h, float negativeSlope, float? maxValue, float threshold)
    {
        string y;
        if (threshold != 0f)
        {
            // x where x ≥ threshold, else slope·(x − threshold).
            var t = G.Scalar($"{h}/threshold", threshold);
            var below = Binary("Mul", Binary("Sub", x, t, h), G.Scalar($"{h}/slope", negativeSlope), h);
            y = G.Op("Where", h, [G.Op("Not", h, [Binary("Less", x, t, h)]), x, below]);
        }
        else y = negativeSlope == 0f ? G.Op("Relu", h, [x]) : G.Op("LeakyRelu", h, [x], ("alpha", negativeSlope));
        return maxValue is { } m ? Binary("Min", y, G.Scalar($"{h}/max_value", m), h) : y;
    }

    /// <summary>A Keras activation function on <paramref name="x"/>, with Graft's formulas and constants.</summary>
    private string Activate(ActivationFunction f, string x, string h) => f.Name switch
    {
        "linear" => x,
        "relu" => G.Op("Relu", h, [x]),
        "relu6" => G.Op("Clip", h, [x, G.Scalar($"{h}/min", 0f), G.Scalar($"{h}/max", 6f)]),
        "leaky_relu" => G.Op("LeakyRelu", h, [x], ("alpha", 0.2f)),
        "elu" => G.Op("Elu", h, [x], ("alpha", 1f)),
        // Keras's constants, a few ulps from ONNX's defaults.
        "selu" => G.Op("Selu", h, [x], ("alpha", 1.6732632423543772f), ("gamma", 1.0507009873554805f)),
        // Exact GELU, x·Φ(x) = x·(1 + erf(x/√2))/2: the Gelu operator arrives only in opset 20.
        "gelu" => Binary("Mul", Binary("Mul", x, G.Scalar($"{h}/half", 0.5f), h),
            Binary("Add", G.Op("Erf", h, [Binary("Mul", x, G.Scalar($"{h}/inv_sqrt2", 0.70710678118654752f), h)]), G.Scalar($"{h}/one", 1f), h), h),
        "sigmoid" => G.Op("Sigmoid", h, [x]),
        "hard_sigmoid" => G.Op("HardSigmoid", h, [x], ("alpha", 1f / 6f), ("beta", 0.5f)),
        "hard_sigmoid_keras2" => G.Op("HardSigmoid", h, [x], ("alpha", 0.2f), ("beta", 0.5f)),
        "tanh" => G.Op("Tanh", h, [x]),
        "softmax" => G.Op("Softmax", h, [x], ("axis", -1)),
        "log_softmax" => G.Op("LogSoftmax", h, [x], ("axis", -1)),
        "softplus" => G.Op("Softplus", h, [x]),
        "softsign" => G.Op("Softsign", h, [x]),
        "swish" or "silu" => Binary("Mul", x, G.Op("Sigmoid", h, [x]), h),
        "exponential" => G.Op("Exp", h, [x]),
        _ => throw new NotSupportedException($"ONNX export '{h}': expected a known activation, got '{f.Name}'."),
    };

    /// <summary>The layers that make a sequence mask (Embedding, Masking) or consume one (GlobalAveragePooling1D).</summary>
    private Value EmitMasked(Layer layer, Value x, int?[] shape)
    {
        string h = layer.Name;
        switch (layer)
        {
            case Embedding e:
            {
                // Graft takes ids as floats (what the user feeds); Gather wants integers.
                var ids = G.Op("Cast", h, [x.Name], ("to", (int)global::Onnx.TensorProto.Types.DataType.Int64));
                var y = G.Op("Gather", h, [Initializer(e, Required(e, "embeddings")), ids], ("axis", 0));
                string? mask = e.MaskZero ? NotEqualMask(x.Name, 0f, h) : null;
                return new Value(y, shape, mask);
            }
            case Masking m:
            {
                // A step is real when any of its features differs from mask_value.
                var differs = NotEqualMask(x.Name, m.MaskValue, h);
                var features = Enumerable.Range(2, x.Rank - 2).Select(a => (long)a).ToArray();
                var keep = G.Op("ReduceMax", h, [differs], ("axes", features), ("keepdims", 0));
                var y = Binary("Mul", x.Name, Unsqueeze(keep, h, features), h);
                return new Value(y, shape, keep);
            }
            case GlobalAveragePooling1D p:
            {
                if (x.Mask is null) return new Value(GlobalPool(p, x), shape);
                if (p.DataFormat != "channels_last" || x.Rank != 3)
                    throw Unsupported(p, "a mask with channels_first or non-3-D input");
                // Σₜ x·m / Σₜ m: each sample's mean over its real steps.
                var m = Unsqueeze(x.Mask, h, 2);
                var sum = G.Op("ReduceSum", h, [Binary("Mul", x.Name, m, h), G.Ints($"{h}/axes", [1])], ("keepdims", p.Keepdims ? 1 : 0));
                var count = G.Op("ReduceSum", h, [m, G.Ints($"{h}/axes", [1])], ("keepdims", p.Keepdims ? 1 : 0));
                return new Value(Binary("Div", sum, count, h), shape);
            }
            default: throw Unsupported(layer);
        }
    }

    /// <summary>1 where <paramref name="x"/> differs from <paramref name="value"/>, else 0 (float).</summary>
    private string NotEqualMask(string x, float value, string h) =>
        G.Op("Cast", h, [G.Op("Not", h, [Binary("Equal", x, G.Scalar($"{h}/mask_value", value), h)])], ("to", (int)global::Onnx.TensorProto.Types.DataType.Float));
}
