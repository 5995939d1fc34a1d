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
            case EinsumDense e:
            {
                // ONNX's Einsum reads the same equations, "..." included; the bias broadcasts on the trailing axes.
                var y = G.Op("Einsum", h, [x.Name, Initializer(e, Required(e, "kernel"))], ("equation", e.Equation.Replace(" ", "")));
                if (Weight(e, "bias") is { } b) y = Binary("Add", y, Initializer(e, b), h);
                return Activate(e.Activation, y, h);
            }
            case Activation a: return Activate(a.Function, x.Name, h);
            // At inference these pass their input through, as Keras's do.
            // ActivityRegularization adds its penalty to a training loss only; its output is its input.
            case Dropout or SpatialDropout1D or SpatialDropout2D or SpatialDropout3D or GaussianNoise or GaussianDropout or AlphaDropout or Identity or ActivityRegularization:
                return G.Op("Identity", h, [x.Name]);
            // x where x > θ, else 0: ONNX's ThresholdedRelu.
            case ThresholdedReLU t: return G.Op("ThresholdedRelu", h, [x.Name], ("alpha", (float)t.Theta));
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
        // Keras 3's additions, with Graft's formulas (Ops.ActivationKeras3).
        "celu" => G.Op("Celu", h, [x], ("alpha", 1f)),
        "glu" => Glu(x, h),
        "hard_tanh" => Clip(x, h, -1f, 1f),
        // x·relu6(x + 3)/6, ONNX's HardSwish exactly.
        "hard_silu" or "hard_swish" => G.Op("HardSwish", h, [x]),
        "log_sigmoid" => G.Op("Neg", h, [G.Op("Softplus", h, [G.Op("Neg", h, [x])])]),
        // The Mish operator arrives only in opset 18.
        "mish" => Binary("Mul", x, G.Op("Tanh", h, [G.Op("Softplus", h, [x])]), h),
        // Shrink: x − bias above lambd, x + bias below −lambd, else 0.
        "soft_shrink" => G.Op("Shrink", h, [x], ("bias", 0.5f), ("lambd", 0.5f)),
        "hard_shrink" => G.Op("Shrink", h, [x], ("bias", 0f), ("lambd", 0.5f)),
        "tanh_shrink" => Binary("Sub", x, G.Op("Tanh", h, [x]), h),
        "sparse_plus" => G.Op("Where", h, [G.Op("GreaterOrEqual", h, [x, G.Scalar($"{h}/one", 1f)]), x,
            Binary("Mul", Square(Binary("Add", Clip(x, h, -1f, 1f), G.Scalar($"{h}/one", 1f), h), h), G.Scalar($"{h}/quarter", 0.25f), h)]),
        "sparse_sigmoid" => Binary("Mul", Binary("Add", Clip(x, h, -1f, 1f), G.Scalar($"{h}/one", 1f), h), G.Scalar($"{h}/half", 0.5f), h),
        "squareplus" => Binary("Mul", Binary("Add", x, G.Op("Sqrt", h, [Binary("Add", Square(x, h), G.Scalar($"{h}/b", 4f), h)]), h), G.Scalar($"{h}/half", 0.5f), h),
        "sparsemax" => Sparsemax(x, h),
        _ => throw new NotSupportedException($"ONNX export '{h}': expected a known activation, got '{f.Name}'."),
    };

    private string Clip(string x, string h, float min, float max) => G.Op("Clip", h, [x, G.Scalar($"{h}/min", min), G.Scalar($"{h}/max", max)]);

    private string Square(string x, string h) => Binary("Mul", x, x, h);

    /// <summary>a·σ(b) for the two halves a, b of the last axis (Split without sizes cuts equal parts).</summary>
    private string Glu(string x, string h)
    {
        var halves = G.OpN("Split", h, [x], 2, ("axis", -1));
        return Binary("Mul", halves[0], G.Op("Sigmoid", h, [halves[1]]), h);
    }

    /// <summary>
    /// Sparsemax over the last axis as Graft computes it, without sorting: x_i is in the support when
    /// 1 + k_i·x_i &gt; Σ_{x_j ≥ x_i} x_j (k_i counting those x_j); then max(x − τ, 0) with
    /// τ = (Σ_support x − 1) / |support|.
    /// </summary>
    private string Sparsemax(string x, string h)
    {
        var xi = Unsqueeze(x, h, -1);                      // (…, n, 1)
        var xj = Unsqueeze(x, h, -2);                      // (…, 1, n)
        var atLeast = G.Op("Cast", h, [G.Op("GreaterOrEqual", h, [xj, xi])], ("to", (int)global::Onnx.TensorProto.Types.DataType.Float));
        var last = G.Ints($"{h}/last_axis", [-1]);
        var count = G.Op("ReduceSum", h, [atLeast, last], ("keepdims", 0));
        var total = G.Op("ReduceSum", h, [Binary("Mul", atLeast, xj, h), last], ("keepdims", 0));
        var inSupport = G.Op("Greater", h, [Binary("Add", Binary("Mul", count, x, h), G.Scalar($"{h}/one", 1f), h), total]);
        var support = G.Op("Cast", h, [inSupport], ("to", (int)global::Onnx.TensorProto.Types.DataType.Float));
        var k = G.Op("ReduceSum", h, [support, last], ("keepdims", 1));
        var sum = G.Op("ReduceSum", h, [Binary("Mul", support, x, h), last], ("keepdims", 1));
        var tau = Binary("Div", Binary("Sub", sum, G.Scalar($"{h}/one", 1f), h), k, h);
        return Binary("Mul", support, Binary("Sub", x, tau, h), h);
    }

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
