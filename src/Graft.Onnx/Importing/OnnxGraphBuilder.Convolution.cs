using Graft.Initializers;
using Graft.Layers;
using Graft.Layers.Convolutional;
using Graft.Layers.Merging;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Layers.Reshaping;
using Graft.Models;
using Graft.Onnx.Layers;
using Graft.Tensors;

namespace Graft.Onnx.Importing;

// Image operators: they run channels-last, Graft's fast layout, and take Keras's layers wherever ONNX's
// arithmetic and Keras's agree (explicit padding becomes a ZeroPadding2D before a "valid" layer, as in
// Keras's own ResNet).
internal sealed partial class OnnxGraphBuilder
{
    private void Conv()
    {
        var x = Input(0);
        SymbolInput(0);
        var w = ConstantInput(1, "the weights");
        if (w.Rank == 3 && x.OnnxShape.Length == 3) { Conv1D(x, w); return; }
        if (w.Rank != 4) throw NotSupportedHere($"expected a 1-D or 2-D convolution (weights of rank 3 or 4), got weights of shape ({string.Join(", ", w.Dims)}); Graft has no 3-D convolution");
        if (x.OnnxShape.Length != 4) throw NotSupportedHere($"expected an input of rank 4 (N, C, H, W), got {Shape(x)}");
        int m = w.Dims[0], perGroup = w.Dims[1], group = (int)_node.Int("group", 1);
        int[] kernel = [w.Dims[2], w.Dims[3]];
        int c = x.OnnxShape[1] ?? throw NotSupportedHere($"expected an input with a known channel count, got {Shape(x)}");
        if (perGroup * group != c || m % group != 0)
            throw Malformed($"expected weights (M, C/group, kH, kW) with C = {c} and M divisible by group {group}, got ({string.Join(", ", w.Dims)})");
        var strides = Pair("strides");
        var dilations = Pair("dilations");
        var (pads, same) = SpatialPadding(x, kernel, strides, dilations);
        var bias = OptionalInput(2) is { } b ? b.Constant ?? throw NotSupportedHere("expected a bias known at import, got a computed one") : null;
        var input = PadForValid(x, pads, same, float.NaN);
        string padding = same ? "same" : "valid";
        Layer layer;
        OnnxConstant k;
        if (group > 1 && group == c)
        {
            // Depthwise: ONNX's output channel c·mult + q is Keras's depthwise_kernel[:, :, c, q].
            k = w.WithDims([c, m / c, kernel[0], kernel[1]]).Transpose([2, 3, 0, 1]);
            layer = new DepthwiseConv2D(kernel, strides, padding, m / c, dilationRate: dilations, useBias: bias is not null,
                depthwiseInitializer: Kernel(k), biasInitializer: Bias(bias, m), name: NodeName());
        }
        else
        {
            k = w.Transpose([2, 3, 1, 0]);   // (M, C/g, kH, kW) → Keras's (kH, kW, C/g, M)
            layer = new Conv2D(m, kernel, strides, padding, dilationRate: dilations, groups: group, useBias: bias is not null,
                kernelInitializer: Kernel(k), biasInitializer: Bias(bias, m), name: NodeName());
        }
        var y = layer.Call(input);
        Output(OnnxValue.Of(y, channelsLast: true));
    }

    private void ConvTranspose()
    {
        var x = Input(0);
        SymbolInput(0);
        var w = ConstantInput(1, "the weights");
        if (w.Rank != 4 || x.OnnxShape.Length != 4) throw NotSupportedHere($"expected a 2-D transposed convolution (input and weights of rank 4), got input {Shape(x)} and weights ({string.Join(", ", w.Dims)})");
        if (_node.Has("output_shape")) throw NotSupportedHere("expected explicit pads, got the output_shape attribute; re-export the model with pads");
        if (_node.String("auto_pad", "NOTSET") is not ("NOTSET" or "" or "VALID")) throw NotSupportedHere($"expected auto_pad NOTSET or VALID, got {_node.String("auto_pad", "")}");
        int cin = w.Dims[0], group = (int)_node.Int("group", 1), m = w.Dims[1] * group;
        if (group < 1 || cin % group != 0 || x.OnnxShape[1] is { } c && c != cin)
            throw Malformed($"expected weights (C, M/group, kH, kW) with C = {x.OnnxShape[1]} divisible by group {group}, got ({string.Join(", ", w.Dims)})");
        int[] kernel = [w.Dims[2], w.Dims[3]];
        var strides = Pair("strides");
        var dilations = Pair("dilations");
        var outputPadding = _node.Ints("output_padding")?.Select(v => (int)v).ToArray() ?? [0, 0];
        var p = _node.String("auto_pad", "NOTSET") == "VALID" ? [0, 0, 0, 0] : _node.Ints("pads")?.Select(v => (int)v).ToArray() ?? [0, 0, 0, 0];
        var bias = OptionalInput(2) is { } b ? b.Constant ?? throw NotSupportedHere("expected a bias known at import, got a computed one") : null;
        var input = ChannelsLast(x);
        SymbolicTensor y;
        if (group == 1)
        {
            var k = w.Transpose([2, 3, 1, 0]);   // (C_in, M, kH, kW) → Keras's (kH, kW, filters, C_in)
            y = new Conv2DTranspose(m, kernel, strides, "valid", dilationRate: dilations, useBias: bias is not null,
                kernelInitializer: Kernel(k), biasInitializer: Bias(bias, m), name: NodeName()).Call(input);
        }
        else
        {
            // Keras's Conv2DTranspose has no groups: one per group, on its slice of the channels, concatenated in group order.
            int inPer = cin / group, outPer = m / group;
            var biases = bias is null ? null : Vector(bias, m, "bias");
            var parts = new SymbolicTensor[group];
            for (int g = 0; g < group; g++)
            {
                var slice = new OnnxSlice([3], [g * inPer], [(g + 1) * inPer], [1], NodeName($"group{g}_slice")).Call(input);
                var k = w.SliceFirst(g * inPer, inPer).Transpose([2, 3, 1, 0]);
                Initializer biasInit = biases is null ? new Zeros() : new FileWeights(Tensor.FromArray(biases[(g * outPer)..((g + 1) * outPer)], outPer), new Zeros());
                parts[g] = new Conv2DTranspose(outPer, kernel, strides, "valid", dilationRate: dilations, useBias: bias is not null,
                    kernelInitializer: Kernel(k), biasInitializer: biasInit, name: NodeName($"group{g}")).Call(slice);
            }
            y = new Concatenate(-1, NodeName()).Call(parts);
        }
        // Keras's "valid" output has (n − 1)·s + max(k_eff, s) cells; ONNX's has (n − 1)·s + k_eff + output_padding − pads: crop the difference.
        var crop = new int[4];
        for (int a = 0; a < 2; a++)
        {
            int effective = (kernel[a] - 1) * dilations[a] + 1;
            crop[2 * a] = p[a];
            crop[2 * a + 1] = Math.Max(effective, strides[a]) - effective - outputPadding[a] + p[a + 2];
            if (crop[2 * a + 1] < 0) throw NotSupportedHere($"expected output_padding at most the end padding plus max(stride − dilated kernel, 0), got output_padding {outputPadding[a]} on spatial axis {a}");
        }
        if (crop.Any(v => v > 0)) y = new Cropping2D(((crop[0], crop[1]), (crop[2], crop[3])), name: NodeName("crop")).Call(y);
        Output(OnnxValue.Of(y, channelsLast: true));
    }

    /// <summary>
    /// A 1-D convolution on (N, C, L): Keras's Conv1D in channels_first form, so the value keeps ONNX's layout;
    /// explicit padding other than Keras's "same" becomes a zero Pad before a "valid" convolution.
    /// </summary>
    private void Conv1D(OnnxValue x, OnnxConstant w)
    {
        int m = w.Dims[0], perGroup = w.Dims[1], kernel = w.Dims[2], group = (int)_node.Int("group", 1);
        int c = x.OnnxShape[1] ?? throw NotSupportedHere($"expected an input with a known channel count, got {Shape(x)}");
        if (perGroup * group != c || m % group != 0)
            throw Malformed($"expected weights (M, C/group, k) with C = {c} and M divisible by group {group}, got ({string.Join(", ", w.Dims)})");
        int stride = Single("strides"), dilation = Single("dilations");
        var (before, after, same) = Padding1D(x, (kernel - 1) * dilation + 1, stride);
        var bias = OptionalInput(2) is { } b ? b.Constant ?? throw NotSupportedHere("expected a bias known at import, got a computed one") : null;
        var input = OnnxLayout(x);
        if (!same && before + after > 0) input = new OnnxPad([0, 0, before, after], 0f, name: NodeName("pad")).Call(input);
        var k = w.Transpose([2, 1, 0]);   // (M, C/g, k) → Keras's (k, C/g, M)
        var layer = new Conv1D(m, kernel, stride, same ? "same" : "valid", "channels_first", dilation, group, useBias: bias is not null,
            kernelInitializer: Kernel(k), biasInitializer: Bias(bias, m), name: NodeName());
        Output(OnnxValue.Of(layer.Call(input), channelsLast: false));
    }

    /// <summary>1-D MaxPool and AveragePool on (N, C, L), through Keras's channels_first pooling layers.</summary>
    private void Pool1D(OnnxValue x, bool max)
    {
        if (max && _node.Output.Count > 1 && _node.Output[1].Length > 0) throw NotSupportedHere("expected MaxPool's values only, got its Indices output in use");
        var kernel = _node.Ints("kernel_shape")?.Select(v => (int)v).ToArray() ?? throw Malformed("expected the kernel_shape attribute, got none");
        if (kernel.Length != 1) throw NotSupportedHere($"expected a 1-D kernel_shape for an input of rank 3, got [{string.Join(", ", kernel)}]");
        if (Single("dilations") != 1) throw NotSupportedHere("expected dilations 1, got larger ones");
        if (_node.Int("ceil_mode", 0) != 0) throw NotSupportedHere("expected ceil_mode 0 for 1-D pooling, got 1");
        int stride = Single("strides");
        var (before, after, same) = Padding1D(x, kernel[0], stride);
        var input = OnnxLayout(x);
        bool padded = before + after > 0 && !same;
        Layer layer;
        if (max)
        {
            if (padded) input = new OnnxPad([0, 0, before, after], x.NonNegative ? 0f : float.MinValue, name: NodeName("pad")).Call(input);
            layer = new MaxPooling1D(kernel[0], stride, same ? "same" : "valid", "channels_first", name: NodeName());
        }
        else
        {
            bool includePad = _node.Int("count_include_pad", 0) == 1;
            // Keras's "same" averages over the cells inside only, as ONNX without count_include_pad.
            if (same && includePad || padded && !includePad)
                throw NotSupportedHere($"expected count_include_pad {(same ? 0 : 1)} with these pads, got {(includePad ? 1 : 0)}; Graft's 1-D average pooling has no such mode");
            if (padded) input = new OnnxPad([0, 0, before, after], 0f, name: NodeName("pad")).Call(input);
            layer = new AveragePooling1D(kernel[0], stride, same ? "same" : "valid", "channels_first", name: NodeName());
        }
        Output(OnnxValue.Of(layer.Call(input), channelsLast: false, nonNegative: x.NonNegative));
    }

    /// <summary>A one-element spatial attribute (1-D strides, dilations), 1 by default.</summary>
    private int Single(string attribute)
    {
        var v = _node.Ints(attribute);
        if (v is null) return 1;
        if (v.Length != 1 || v[0] < 1) throw Malformed($"expected one positive value in {attribute} for a 1-D operator, got [{string.Join(", ", v)}]");
        return (int)v[0];
    }

    /// <summary>ONNX's 1-D padding (before, after) from <c>pads</c> or <c>auto_pad</c>, and whether it equals Keras's "same".</summary>
    private (int Before, int After, bool Same) Padding1D(OnnxValue x, int effectiveKernel, int stride)
    {
        string autoPad = _node.String("auto_pad", "NOTSET");
        int? n = x.OnnxShape[2];
        (int, int) SamePads(bool upper)
        {
            int len = n ?? throw NotSupportedHere($"expected a known length for auto_pad {autoPad}, got {Shape(x)}");
            int total = Math.Max(((len + stride - 1) / stride - 1) * stride + effectiveKernel - len, 0);
            int first = upper ? total / 2 : total - total / 2;
            return (first, total - first);
        }
        (int Before, int After) pads;
        switch (autoPad)
        {
            case "VALID": return (0, 0, false);
            case "SAME_UPPER" when n is null: return (0, 0, true);
            case "SAME_UPPER" or "SAME_LOWER": pads = SamePads(autoPad == "SAME_UPPER"); break;
            case "NOTSET" or "":
                var p = _node.Ints("pads") ?? [0, 0];
                if (p.Length != 2 || p.Any(v => v < 0)) throw Malformed($"expected 2 non-negative pads for a 1-D operator, got [{string.Join(", ", p)}]");
                pads = ((int)p[0], (int)p[1]);
                break;
            default: throw Malformed($"expected auto_pad NOTSET, SAME_UPPER, SAME_LOWER or VALID, got '{autoPad}'");
        }
        if (pads.Before + pads.After == 0) return (0, 0, false);
        return (pads.Before, pads.After, n is not null && SamePads(upper: true) == pads);
    }

    private void BatchNormalization()
    {
        var x = Input(0);
        SymbolInput(0);
        if (_node.Int("training_mode", 0) != 0) throw NotSupportedHere("expected an inference-mode BatchNormalization, got training_mode 1");
        if (_opset < 9 && _node.Int("spatial", 1) != 1) throw NotSupportedHere("expected spatial 1 (one statistic per channel), got spatial 0");
        int rank = x.OnnxShape.Length;
        int c = x.OnnxShape[1] ?? throw NotSupportedHere($"expected a known channel count, got {Shape(x)}");
        bool channelsLast = rank == 4;
        var layer = new BatchNormalization(axis: channelsLast || rank == 2 ? -1 : 1, momentum: _node.Float("momentum", 0.9f),
            epsilon: _node.Float("epsilon", 1e-5f), name: NodeName());
        var y = layer.Call(channelsLast ? ChannelsLast(x) : x.Symbol!);
        SetWeights(layer,
            (Vector(ConstantInput(1, "scale"), c, "scale"), [c]), (Vector(ConstantInput(2, "B"), c, "B"), [c]),
            (Vector(ConstantInput(3, "mean"), c, "mean"), [c]), (Vector(ConstantInput(4, "var"), c, "var"), [c]));
        Output(OnnxValue.Of(y, channelsLast));
    }

    private void Pool(bool max)
    {
        var x = Input(0);
        SymbolInput(0);
        if (x.OnnxShape.Length == 3) { Pool1D(x, max); return; }
        if (x.OnnxShape.Length != 4) throw NotSupportedHere($"expected 1-D or 2-D pooling (input of rank 3 or 4), got {Shape(x)}; Graft has no 3-D pooling");
        if (max && _node.Output.Count > 1 && _node.Output[1].Length > 0) throw NotSupportedHere("expected MaxPool's values only, got its Indices output in use");
        var kernel = _node.Ints("kernel_shape")?.Select(v => (int)v).ToArray() ?? throw Malformed("expected the kernel_shape attribute, got none");
        if (kernel.Length != 2) throw NotSupportedHere($"expected a 2-D kernel_shape, got [{string.Join(", ", kernel)}]");
        if (Pair("dilations").Any(d => d != 1)) throw NotSupportedHere("expected dilations 1, got larger ones");
        var strides = Pair("strides");
        var (pads, same) = SpatialPadding(x, kernel, strides, [1, 1]);
        var extra = new int[2];
        if (_node.Int("ceil_mode", 0) == 1)
        {
            same = false;
            for (int a = 0; a < 2; a++)
            {
                int n = x.OnnxShape[2 + a] ?? throw NotSupportedHere($"expected known spatial sizes for ceil_mode, got {Shape(x)}");
                int total = n + pads[2 * a] + pads[2 * a + 1];
                int outCeil = (total - kernel[a] + strides[a] - 1) / strides[a] + 1;
                // ONNX Runtime drops a last window that would start in the end padding.
                if ((outCeil - 1) * strides[a] >= n + pads[2 * a]) outCeil--;
                extra[a] = Math.Max(0, (outCeil - 1) * strides[a] + kernel[a] - total);
            }
        }
        bool padded = pads.Any(p => p > 0) || extra.Any(e => e > 0);
        string padding = same ? "same" : "valid";
        var input = ChannelsLast(x);
        Layer layer;
        if (max)
        {
            if (padded && !same)
                input = PadForValid(x, [pads[0], pads[1] + extra[0], pads[2], pads[3] + extra[1]], false, float.MinValue);
            layer = new MaxPooling2D(kernel, strides, padded && !same ? "valid" : padding, name: NodeName());
        }
        else
        {
            bool includePad = _node.Int("count_include_pad", 0) == 1;
            if (!padded || (same && !includePad)) layer = new AveragePooling2D(kernel, strides, padding, name: NodeName());
            else if (includePad && extra.All(e => e == 0))
            {
                input = PadForValid(x, pads, false, 0f);
                layer = new AveragePooling2D(kernel, strides, "valid", name: NodeName());
            }
            else layer = new OnnxAveragePool(kernel, strides, [pads[0], pads[1], pads[2], pads[3]], extra, includePad, NodeName());
        }
        Output(OnnxValue.Of(layer.Call(input), channelsLast: true, nonNegative: x.NonNegative));
    }

    private void GlobalPool(bool max)
    {
        var x = Input(0);
        SymbolInput(0);
        int rank = x.OnnxShape.Length;
        if (rank == 4)
        {
            Layer layer = max ? new GlobalMaxPooling2D(keepdims: true, name: NodeName()) : new GlobalAveragePooling2D(keepdims: true, name: NodeName());
            Output(OnnxValue.Of(layer.Call(ChannelsLast(x)), channelsLast: true, nonNegative: x.NonNegative));
        }
        else if (rank >= 3)
        {
            var layer = new OnnxReduce(max ? "max" : "mean", Enumerable.Range(2, rank - 2).ToArray(), keepdims: true, NodeName());
            Output(OnnxValue.Of(layer.Call(OnnxLayout(x)), channelsLast: false, nonNegative: x.NonNegative));
        }
        else throw NotSupportedHere($"expected an input of rank 3 or more, got {Shape(x)}");
    }

    private void Lrn()
    {
        var x = Input(0);
        SymbolInput(0);
        if (x.OnnxShape.Length != 4) throw NotSupportedHere($"expected an input of rank 4, got {Shape(x)}");
        int size = (int)_node.Int("size", 0);
        if (size < 1) throw Malformed($"expected a positive size attribute, got {size}");
        var layer = new OnnxLrn(size, _node.Float("alpha", 1e-4f), _node.Float("beta", 0.75f), _node.Float("bias", 1f), NodeName());
        Output(OnnxValue.Of(layer.Call(ChannelsLast(x)), channelsLast: true));
    }

    private void Pad()
    {
        var x = Input(0);
        SymbolInput(0);
        string mode = _node.String("mode", "constant");
        if (mode is not ("constant" or "reflect" or "edge")) throw NotSupportedHere($"expected Pad mode 'constant', 'reflect' or 'edge', got '{mode}'");
        int rank = x.OnnxShape.Length;
        long[] p;
        float value;
        if (_opset < 11)
        {
            p = _node.Ints("pads") ?? throw Malformed("expected the pads attribute, got none");
            value = _node.Float("value", 0f);
        }
        else
        {
            p = ConstantInput(1, "the pads").AsLongs();
            value = OptionalInput(2) is { } v ? (v.Constant ?? throw NotSupportedHere("expected a constant_value known at import, got a computed one")).ScalarFloat() : 0f;
            if (OptionalInput(3) is { } axesValue)
            {
                var axes = (axesValue.Constant ?? throw NotSupportedHere("expected axes known at import, got computed ones")).AsLongs().Select(a => NormalizeAxis(a, rank)).ToArray();
                var full = new long[2 * rank];
                for (int i = 0; i < axes.Length; i++) { full[axes[i]] = p[i]; full[rank + axes[i]] = p[axes.Length + i]; }
                p = full;
            }
        }
        if (p.Length != 2 * rank) throw Malformed($"expected {2 * rank} pads for an input of rank {rank}, got {p.Length}");
        if (p.Any(v => v < 0)) throw NotSupportedHere($"expected non-negative pads, got [{string.Join(", ", p)}]; Graft does not crop through Pad");
        if (p[0] != 0 || p[rank] != 0) throw NotSupportedHere("expected no padding of the batch axis, got some");
        int[][] pairs = Enumerable.Range(1, rank - 1).Select(a => new[] { (int)p[a], (int)p[rank + a] }).ToArray();
        SymbolicTensor y;
        bool channelsLast = rank == 4;
        if (mode == "reflect")
            for (int a = 1; a < rank; a++)
                if (x.OnnxShape[a] is { } n && (p[a] >= n || p[rank + a] >= n))
                    throw NotSupportedHere($"expected reflect pads smaller than the axis, got {p[a]} and {p[rank + a]} on axis {a} of size {n}");
        if (mode != "constant") value = 0f;   // ONNX ignores constant_value outside constant mode
        if (channelsLast && mode == "constant" && value == 0f && pairs[0].All(v => v == 0))
            y = new ZeroPadding2D(((pairs[1][0], pairs[1][1]), (pairs[2][0], pairs[2][1])), name: NodeName()).Call(ChannelsLast(x));
        else if (channelsLast)
            y = new OnnxPad([.. pairs[1], .. pairs[2], .. pairs[0]], value, mode, NodeName()).Call(ChannelsLast(x));
        else
            y = new OnnxPad(pairs.SelectMany(p => p).ToArray(), value, mode, NodeName()).Call(OnnxLayout(x));
        Output(OnnxValue.Of(y, channelsLast, x.NonNegative && value >= 0));
    }

    private void Resize()
    {
        var x = Input(0);
        SymbolInput(0);
        if (x.OnnxShape.Length != 4) throw NotSupportedHere($"expected an image input of rank 4, got {Shape(x)}");
        string mode = _node.String("mode", "nearest");
        if (mode is not ("nearest" or "linear")) throw NotSupportedHere($"expected mode 'nearest' or 'linear', got '{mode}'");
        if (_node.Int("antialias", 0) != 0) throw NotSupportedHere("expected antialias 0, got 1");
        if (_node.Int("exclude_outside", 0) != 0) throw NotSupportedHere("expected exclude_outside 0, got 1");
        if (_node.Has("axes")) throw NotSupportedHere("expected scales or sizes for all axes, got the axes attribute");
        if (_node.String("keep_aspect_ratio_policy", "stretch") != "stretch") throw NotSupportedHere("expected keep_aspect_ratio_policy 'stretch', got another");
        int h = x.OnnxShape[2] ?? throw NotSupportedHere($"expected known spatial sizes, got {Shape(x)}");
        int w = x.OnnxShape[3] ?? throw NotSupportedHere($"expected known spatial sizes, got {Shape(x)}");
        float[] scales;
        int[]? sizes = null;
        string coordinate, nearest;
        if (_node.OpType == "Upsample" || _opset < 11)
        {
            scales = _node.OpType == "Upsample" && _opset < 9 ? _node.Floats("scales") ?? throw Malformed("expected the scales attribute, got none")
                : ConstantInput(1, "the scales").AsFloats();
            coordinate = "asymmetric";
            // ONNX Runtime's opset-10 nearest: floor when enlarging, ceil when shrinking.
            nearest = scales.Skip(2).All(s => s >= 1) ? "floor" : scales.Skip(2).All(s => s < 1) ? "ceil"
                : throw NotSupportedHere("expected both spatial scales above 1 or both below, got one of each");
        }
        else
        {
            coordinate = _node.String("coordinate_transformation_mode", "half_pixel");
            nearest = _node.String("nearest_mode", "round_prefer_floor");
            if (!OnnxResize.CoordinateModes.Contains(coordinate)) throw NotSupportedHere($"expected coordinate_transformation_mode in {string.Join(", ", OnnxResize.CoordinateModes)}, got '{coordinate}'");
            var scaleInput = OptionalInput(2)?.Constant;
            var sizeInput = OptionalInput(3)?.Constant;
            if (sizeInput is { Size: > 0 })
            {
                sizes = sizeInput.AsInts();
                if (sizes.Length != 4) throw Malformed($"expected 4 sizes, got {sizes.Length}");
                scales = [1, 1, sizes[2] / (float)h, sizes[3] / (float)w];
            }
            else if (scaleInput is { Size: > 0 }) scales = scaleInput.AsFloats();
            else throw NotSupportedHere("expected scales or sizes known at import, got neither");
        }
        if (scales.Length != 4 || scales[0] != 1 || scales[1] != 1) throw NotSupportedHere($"expected 4 scales with 1 for the batch and channel axes, got [{string.Join(", ", scales)}]");
        int[] size = sizes is not null ? [sizes[2], sizes[3]] : [(int)Math.Floor(h * scales[2]), (int)Math.Floor(w * scales[3])];
        bool integer = scales.Skip(2).All(s => s >= 1 && s == Math.Floor(s)) && size[0] == h * (int)scales[2] && size[1] == w * (int)scales[3];
        // Where ONNX's nearest mapping is index / scale, Keras's UpSampling2D computes the same (and faster).
        bool likeUpSampling = mode == "nearest" && integer && (
            (coordinate is "half_pixel" or "pytorch_half_pixel" && nearest is "round_prefer_floor" or "round_prefer_ceil")
            || (coordinate is "asymmetric" or "tf_half_pixel_for_nn" && nearest == "floor"));
        Layer layer = likeUpSampling
            ? new UpSampling2D(((int)scales[2], (int)scales[3]), name: NodeName())
            : new OnnxResize(size, (scales[2], scales[3]), mode, coordinate, nearest, NodeName());
        Output(OnnxValue.Of(layer.Call(ChannelsLast(x)), channelsLast: true, x.NonNegative));
    }

    // ---- helpers ----

    /// <summary>A two-element spatial attribute (strides, dilations), 1 by default.</summary>
    private int[] Pair(string attribute)
    {
        var v = _node.Ints(attribute);
        if (v is null) return [1, 1];
        if (v.Length != 2 || v.Any(e => e < 1)) throw Malformed($"expected two positive {attribute}, got [{string.Join(", ", v)}]");
        return v.Select(e => (int)e).ToArray();
    }

    /// <summary>
    /// ONNX's padding for a window op as (top, bottom, left, right), from <c>pads</c> or <c>auto_pad</c>, and
    /// whether it equals Keras's "same" (TensorFlow's: the odd cell at the end).
    /// </summary>
    private (int[] Pads, bool Same) SpatialPadding(OnnxValue x, int[] kernel, int[] strides, int[] dilations)
    {
        string autoPad = _node.String("auto_pad", "NOTSET");
        int?[] sizes = [x.OnnxShape[2], x.OnnxShape[3]];
        var effective = kernel.Select((k, a) => (k - 1) * dilations[a] + 1).ToArray();
        int[] SamePads(bool upper)
        {
            var r = new int[4];
            for (int a = 0; a < 2; a++)
            {
                int n = sizes[a] ?? throw NotSupportedHere($"expected known spatial sizes for auto_pad {autoPad}, got {Shape(x)}");
                int total = Math.Max(((n + strides[a] - 1) / strides[a] - 1) * strides[a] + effective[a] - n, 0);
                r[2 * a] = upper ? total / 2 : total - total / 2;
                r[2 * a + 1] = total - r[2 * a];
            }
            return r;
        }
        int[] pads;
        switch (autoPad)
        {
            case "VALID": return ([0, 0, 0, 0], false);
            case "SAME_UPPER" when sizes.Any(s => s is null): return ([0, 0, 0, 0], true);
            case "SAME_UPPER" or "SAME_LOWER": pads = SamePads(autoPad == "SAME_UPPER"); break;
            case "NOTSET" or "":
                var p = _node.Ints("pads") ?? [0, 0, 0, 0];
                if (p.Length != 4 || p.Any(v => v < 0)) throw Malformed($"expected 4 non-negative pads, got [{string.Join(", ", p)}]");
                pads = [(int)p[0], (int)p[2], (int)p[1], (int)p[3]];
                break;
            default: throw Malformed($"expected auto_pad NOTSET, SAME_UPPER, SAME_LOWER or VALID, got '{autoPad}'");
        }
        if (pads.All(v => v == 0)) return (pads, false);
        bool same = sizes.All(s => s is not null) && SamePads(upper: true).SequenceEqual(pads);
        return (pads, same);
    }

    /// <summary>
    /// The channels-last input of a window op, padded explicitly unless <paramref name="same"/> or no padding:
    /// with zeros (ZeroPadding2D) when <paramref name="fill"/> is 0 or NaN (a convolution), when the input has no
    /// negative values, or when it is MaxPool's −∞ and the input is known non-negative; else with <paramref name="fill"/>.
    /// </summary>
    private SymbolicTensor PadForValid(OnnxValue x, int[] pads, bool same, float fill)
    {
        var input = ChannelsLast(x);
        if (same || pads.All(v => v == 0)) return input;
        bool zeros = float.IsNaN(fill) || fill == 0f || x.NonNegative;
        Layer layer = zeros
            ? new ZeroPadding2D(((pads[0], pads[1]), (pads[2], pads[3])), name: NodeName("pad"))
            : new OnnxPad([pads[0], pads[1], pads[2], pads[3], 0, 0], fill, name: NodeName("pad"));
        return layer.Call(input);
    }

    /// <summary>A layer's kernel from the file, written in its config as Keras's default (glorot_uniform).</summary>
    private static FileWeights Kernel(OnnxConstant k) => new(k.ToTensor(k.Dims), new GlorotUniform());

    /// <summary>A layer's bias from the file (or Keras's default zeros when there is none).</summary>
    private Initializer Bias(OnnxConstant? bias, int n) => bias is null ? new Zeros() : new FileWeights(Tensor.FromArray(Vector(bias, n, "bias"), n), new Zeros());

    /// <summary>A per-channel constant as <paramref name="n"/> floats (a scalar is repeated).</summary>
    private float[] Vector(OnnxConstant c, int n, string what)
    {
        var v = c.AsFloats();
        if (v.Length == n) return v;
        if (v.Length == 1) return Enumerable.Repeat(v[0], n).ToArray();
        throw Malformed($"expected {what} of {n} values, got shape ({string.Join(", ", c.Dims)})");
    }
}
