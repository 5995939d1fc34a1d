using Graft.Layers;
using Graft.Layers.Convolutional;
using Graft.Layers.Pooling;

namespace Graft.Onnx.Export;

/// <summary>
/// Convolutions and poolings. ONNX's Conv and pooling operators read channels first, so a
/// channels-last layer is wrapped in two Transposes (ONNX Runtime's layout optimizer removes the
/// pairs that meet between consecutive layers); weights are reordered once, at export.
/// </summary>
internal sealed partial class LayerEmitter
{
    private string? EmitConvolutional(Layer layer, Value x)
    {
        switch (layer)
        {
            case SeparableConv2D or SeparableConv1D: return Separable((ConvBase)layer, x);
            case DepthwiseConv2D or DepthwiseConv1D: return Depthwise((ConvBase)layer, x);
            case Conv1DTranspose t: return ConvTranspose(t, x, t.OutputPadding);
            case Conv2DTranspose t: return ConvTranspose(t, x, t.OutputPadding);
            case Conv3DTranspose t: return ConvTranspose(t, x, t.OutputPadding);
            case ConvBase c: return Conv(c, x);
            case PoolingBase p: return Pool(p, x);
            case GlobalPoolingBase g when layer is not GlobalAveragePooling1D: return GlobalPool(g, x);
            default: return null;
        }
    }

    private bool ChannelsLast(string dataFormat) => dataFormat == "channels_last";

    /// <summary>(N, spatial…, C) → (N, C, spatial…).</summary>
    private string ToChannelsFirst(string x, int spatial, string h) => Transpose(x, h, [0, spatial + 1, .. Enumerable.Range(1, spatial)]);

    /// <summary>(N, C, spatial…) → (N, spatial…, C).</summary>
    private string ToChannelsLast(string y, int spatial, string h) => Transpose(y, h, [0, .. Enumerable.Range(2, spatial), 1]);

    /// <summary>The spatial sizes of a Keras shape (null where unknown).</summary>
    private static int?[] Spatial(Value x, string dataFormat) => dataFormat == "channels_last" ? x.Shape[1..^1] : x.Shape[2..];

    /// <summary>
    /// ONNX pads (all begins, then all ends) for Keras's padding: "same" pads as TensorFlow does
    /// (the odd cell at the end), "causal" pads the start only. Null when a "same" size is unknown:
    /// then auto_pad SAME_UPPER, which is TensorFlow's rule too.
    /// </summary>
    private static long[]? Pads(string padding, int?[] sizes, int[] kernel, int[] strides, int[] dilation)
    {
        int r = sizes.Length;
        var pads = new long[2 * r];
        for (int i = 0; i < r; i++)
        {
            long eff = (kernel[i] - 1L) * dilation[i] + 1;
            switch (padding)
            {
                case "causal": pads[i] = eff - 1; break;
                case "same":
                    if (sizes[i] is not int n) return null;
                    long o = (n + strides[i] - 1L) / strides[i];
                    long total = Math.Max((o - 1) * strides[i] + eff - n, 0);
                    pads[i] = total / 2; pads[r + i] = total - total / 2;
                    break;
            }
        }
        return pads;
    }

    private (string Name, object Value)[] ConvAttributes(ConvBase c, Value x, int group)
    {
        var attrs = new List<(string, object)> { ("kernel_shape", c.KernelSize), ("strides", c.Strides), ("dilations", c.DilationRate), ("group", group) };
        var pads = Pads(c.Padding, Spatial(x, c.DataFormat), c.KernelSize, c.Strides, c.DilationRate);
        attrs.Add(pads is null ? ("auto_pad", "SAME_UPPER") : ("pads", pads));
        return [.. attrs];
    }

    /// <summary>Runs <paramref name="body"/> on a channels-first view of <paramref name="x"/> and returns the result in the layer's own format.</summary>
    private string ChannelsFirstBody(Value x, string dataFormat, int spatial, string h, Func<string, string> body)
    {
        bool last = ChannelsLast(dataFormat);
        var y = body(last ? ToChannelsFirst(x.Name, spatial, h) : x.Name);
        return last ? ToChannelsLast(y, spatial, h) : y;
    }

    private string Conv(ConvBase c, Value x)
    {
        var k = Required(c, "kernel");
        int r = c.Rank;
        // Keras (k…, in/groups, out) → ONNX (out, in/groups, k…).
        var w = G.Floats($"{c.Name}/kernel", PermuteHost(k.Value.ToArray(), k.Shape.ToArray(), [r + 1, r, .. Enumerable.Range(0, r)]), [k.Shape[r + 1], k.Shape[r], .. k.Shape.ToArray()[..r]]);
        var b = Weight(c, "bias") is { } bias ? Initializer(c, bias) : null;
        var y = ChannelsFirstBody(x, c.DataFormat, r, c.Name, xf => G.Op("Conv", c.Name, b is null ? [xf, w] : [xf, w, b], ConvAttributes(c, x, c.Groups)));
        return Activate(c.Activation, y, c.Name);
    }

    /// <summary>Keras (k…, C, M) → ONNX (C·M, 1, k…): output channel c·M + m, as Keras orders them.</summary>
    private string DepthwiseKernel(ConvBase c, Variable k)
    {
        int r = k.Shape.Rank - 2;
        var dims = k.Shape.ToArray();
        return G.Floats($"{c.Name}/{k.Name}", PermuteHost(k.Value.ToArray(), dims, [r, r + 1, .. Enumerable.Range(0, r)]), [dims[r] * dims[r + 1], 1, .. dims[..r]]);
    }

    private string Depthwise(ConvBase d, Value x)
    {
        var k = Required(d, "depthwise_kernel");
        var w = DepthwiseKernel(d, k);
        var b = Weight(d, "bias") is { } bias ? Initializer(d, bias) : null;
        int r = d.Rank;
        var y = ChannelsFirstBody(x, d.DataFormat, r, d.Name, xf => G.Op("Conv", d.Name, b is null ? [xf, w] : [xf, w, b], ConvAttributes(d, x, k.Shape[r])));
        return Activate(d.Activation, y, d.Name);
    }

    private string Separable(ConvBase s, Value x)
    {
        int r = s.Rank;
        var k = Required(s, "depthwise_kernel");
        var dw = DepthwiseKernel(s, k);
        var p = Required(s, "pointwise_kernel");
        // Keras (1…, C·M, filters) → ONNX (filters, C·M, 1…): the leading ones leave a matrix to transpose.
        var ones = Enumerable.Repeat(1, r).ToArray();
        var pw = G.Floats($"{s.Name}/pointwise_kernel", PermuteHost(p.Value.ToArray(), [p.Shape[r], p.Shape[r + 1]], [1, 0]), [p.Shape[r + 1], p.Shape[r], .. ones]);
        var b = Weight(s, "bias") is { } bias ? Initializer(s, bias) : null;
        var y = ChannelsFirstBody(x, s.DataFormat, r, s.Name, xf =>
        {
            var d = G.Op("Conv", s.Name, [xf, dw], ConvAttributes(s, x, k.Shape[r]));
            return G.Op("Conv", s.Name, b is null ? [d, pw] : [d, pw, b], ("kernel_shape", ones));
        });
        return Activate(s.Activation, y, s.Name);
    }

    /// <summary>
    /// Keras's transposed convolution sizes: "valid" (n − 1)·s + max(k_eff, s), "same" n·s, cropping
    /// ⌊(k_eff − s)/2⌋ at the start as TensorFlow does; output_padding supplies the cells a stride
    /// larger than the kernel adds.
    /// </summary>
    private string ConvTranspose(ConvBase t, Value x, int[]? keras)
    {
        var k = Required(t, "kernel");
        int r = t.Rank;
        var dims = k.Shape.ToArray();
        // Keras (k…, out, in) → ONNX (in, out, k…).
        var w = G.Floats($"{t.Name}/kernel", PermuteHost(k.Value.ToArray(), dims, [r + 1, r, .. Enumerable.Range(0, r)]), [dims[r + 1], dims[r], .. dims[..r]]);
        var b = Weight(t, "bias") is { } bias ? Initializer(t, bias) : null;
        var pads = new long[2 * r];
        var outputPadding = new long[r];
        var sizes = Spatial(x, t.DataFormat);
        for (int i = 0; i < r; i++)
        {
            long eff = (t.KernelSize[i] - 1L) * t.DilationRate[i] + 1, s = t.Strides[i];
            if (keras is null)
            {
                long total = t.Padding == "same" ? Math.Max(eff - s, 0) : 0;
                pads[i] = total / 2; pads[r + i] = total - total / 2;
                outputPadding[i] = Math.Max(s - eff, 0);
                continue;
            }
            // ONNX's length (n − 1)·s + k_eff + output_padding − pads: Keras's length, cropped `before` at the start.
            int n = sizes[i] ?? throw Unsupported(t, "output_padding with an unknown spatial size");
            var (length, before) = Graft.Autograd.Ops.ConvTransposeAxis(n, t.KernelSize[i], t.Strides[i], t.DilationRate[i], t.Padding, keras[i], Describe(t));
            long full = (n - 1L) * s + eff;
            pads[i] = before;
            pads[r + i] = Math.Max(full - before - length, 0);
            outputPadding[i] = Math.Max(length - (full - before), 0);
        }
        var y = ChannelsFirstBody(x, t.DataFormat, r, t.Name, xf => G.Op("ConvTranspose", t.Name, b is null ? [xf, w] : [xf, w, b],
            ("kernel_shape", t.KernelSize), ("strides", t.Strides), ("dilations", t.DilationRate), ("pads", pads), ("output_padding", outputPadding)));
        return Activate(t.Activation, y, t.Name);
    }

    private string Pool(PoolingBase p, Value x)
    {
        bool max = p is MaxPooling1D or MaxPooling2D or MaxPooling3D;
        var ones = Enumerable.Repeat(1, p.Rank).ToArray();
        var pads = Pads(p.Padding, Spatial(x, p.DataFormat), p.PoolSize, p.Strides, ones);
        var attrs = new List<(string, object)> { ("kernel_shape", p.PoolSize), ("strides", p.Strides), pads is null ? ("auto_pad", "SAME_UPPER") : ("pads", pads) };
        // Keras averages over the real cells of a window, leaving padding out.
        if (!max) attrs.Add(("count_include_pad", 0));
        return ChannelsFirstBody(x, p.DataFormat, p.Rank, p.Name, xf => G.Op(max ? "MaxPool" : "AveragePool", p.Name, [xf], [.. attrs]));
    }

    private string GlobalPool(GlobalPoolingBase p, Value x)
    {
        var axes = (p.DataFormat == "channels_last" ? Enumerable.Range(1, p.Rank) : Enumerable.Range(2, p.Rank)).Select(a => (long)a).ToArray();
        bool max = p is GlobalMaxPooling1D or GlobalMaxPooling2D or GlobalMaxPooling3D;
        return G.Op(max ? "ReduceMax" : "ReduceMean", p.Name, [x.Name], ("axes", axes), ("keepdims", p.Keepdims ? 1 : 0));
    }
}
