using Graft.Layers;
using Graft.Layers.Merging;
using Graft.Onnx.Layers;

namespace Graft.Onnx.Export;

/// <summary>
/// The layers ONNX import adds for operators Keras has no layer for: a model imported from ONNX,
/// fine-tuned in Graft, exports back to ONNX operators.
/// </summary>
internal sealed partial class LayerEmitter
{
    private string? EmitImported(Layer layer, Value x)
    {
        string h = layer.Name;
        switch (layer)
        {
            case OnnxConstantOp c:
            {
                var constant = Initializer(c, Required(c, "constant"));
                var (a, b) = c.Reverse ? (constant, x.Name) : (x.Name, constant);
                return Binary(c.Operation switch
                {
                    "add" => "Add", "sub" => "Sub", "mul" => "Mul", "div" => "Div", "pow" => "Pow", "max" => "Max", "min" => "Min",
                    _ => throw Unsupported(c, $"operation '{c.Operation}'"),
                }, a, b, h);
            }
            case OnnxUnaryOp u:
                return u.Operation switch
                {
                    "erf" => G.Op("Erf", h, [x.Name]),
                    "sqrt" => G.Op("Sqrt", h, [x.Name]),
                    "exp" => G.Op("Exp", h, [x.Name]),
                    "log" => G.Op("Log", h, [x.Name]),
                    "abs" => G.Op("Abs", h, [x.Name]),
                    "neg" => G.Op("Neg", h, [x.Name]),
                    "reciprocal" => G.Op("Reciprocal", h, [x.Name]),
                    // Clip reads its bounds as scalar inputs from opset 11.
                    "clip" => G.Op("Clip", h, [x.Name, G.Floats($"{h}/min", [u.Alpha]), G.Floats($"{h}/max", [u.Beta])]),
                    "hard_sigmoid" => G.Op("HardSigmoid", h, [x.Name], ("alpha", u.Alpha), ("beta", u.Beta)),
                    "hard_swish" => G.Op("HardSwish", h, [x.Name]),
                    "log_softmax" => G.Op("LogSoftmax", h, [x.Name], ("axis", u.Axis)),
                    _ => throw Unsupported(u, $"operation '{u.Operation}'"),
                };
            case OnnxGather g:
            {
                var y = G.Op("Gather", h, [x.Name, G.Ints($"{h}/indices", Longs(g.Indices))], ("axis", g.Axis));
                return g.Squeeze ? Squeeze(y, h, g.Axis) : y;
            }
            case OnnxSlice s:
                return G.Op("Slice", h, [x.Name, G.Ints($"{h}/starts", Longs(s.Starts)), G.Ints($"{h}/ends", Longs(s.Ends)),
                    G.Ints($"{h}/axes", Longs(s.Axes)), G.Ints($"{h}/steps", Longs(s.Steps))]);
            case OnnxPad p:
            {
                // The layer keeps (before, after) per axis after the batch; ONNX wants all befores, then all afters, batch included.
                int rank = p.Pads.Length / 2 + 1;
                var pads = new long[2 * rank];
                for (int i = 0; i < rank - 1; i++) { pads[i + 1] = p.Pads[2 * i]; pads[rank + i + 1] = p.Pads[2 * i + 1]; }
                return p.Mode == "constant"
                    ? G.Op("Pad", h, [x.Name, G.Ints($"{h}/pads", pads), G.Floats($"{h}/value", [p.Value])])
                    : G.Op("Pad", h, [x.Name, G.Ints($"{h}/pads", pads)], ("mode", p.Mode));
            }
            case OnnxReduce r:
            {
                var axes = Longs(r.Axes);
                int keep = r.Keepdims ? 1 : 0;
                // ReduceSum takes its axes as an input from opset 13, the others from opset 18.
                return r.Operation == "sum"
                    ? G.Op("ReduceSum", h, [x.Name, G.Ints($"{h}/axes", axes)], ("keepdims", keep))
                    : G.Op(r.Operation switch { "mean" => "ReduceMean", "max" => "ReduceMax", _ => "ReduceMin" }, h, [x.Name], ("axes", axes), ("keepdims", keep));
            }
            case OnnxLrn l:
                if (x.Rank < 3) throw Unsupported(l, $"input of rank {x.Rank}; ONNX's LRN needs rank 3 or more");
                // ONNX's LRN runs across axis 1: the channels, last in Graft's layout.
                return Transpose(G.Op("LRN", h, [Transpose(x.Name, h, [0, x.Rank - 1, .. Enumerable.Range(1, x.Rank - 2)])],
                    ("size", l.Size), ("alpha", l.Alpha), ("beta", l.Beta), ("bias", l.LrnBias)), h, [0, .. Enumerable.Range(2, x.Rank - 2), 1]);
            case OnnxAveragePool a: return ImportedAveragePool(a, x);
            case OnnxResize r: return ImportedResize(r, x);
            default: return null;
        }
    }

    private static long[] Longs(int[] values) => values.Select(v => (long)v).ToArray();

    private string? EmitImportedMerge(Merge m, string[] names) => m switch
    {
        OnnxBinaryOp b when names.Length == 2 => Binary(b.Operation switch { "div" => "Div", "pow" => "Pow", _ => "MatMul" }, names[0], names[1], m.Name),
        _ => null,
    };

    /// <summary>
    /// The import's average pooling: a zero-padded input (pads, then the extra cells ceil_mode adds at
    /// the end), averaged over whole windows and divided by the share of each window that counts.
    /// </summary>
    private string ImportedAveragePool(OnnxAveragePool a, Value x)
    {
        string h = a.Name;
        if (x.Rank != 4 || x.Shape[1] is not int rows || x.Shape[2] is not int cols)
            throw Unsupported(a, "input without known rows and columns");
        var padded = G.Op("Pad", h, [x.Name, G.Ints($"{h}/pads", [0, a.Pads[0], a.Pads[2], 0, 0, a.Pads[1] + a.Extra[0], a.Pads[3] + a.Extra[1], 0])]);
        var mean = ChannelsFirstBody(new Value(padded, x.Shape), "channels_last", 2, h, xf =>
            G.Op("AveragePool", h, [xf], ("kernel_shape", a.PoolSize), ("strides", a.Strides)));
        // The counted share of each window, a constant once the size is known.
        int ph = rows + a.Pads[0] + a.Pads[1] + a.Extra[0], pw = cols + a.Pads[2] + a.Pads[3] + a.Extra[1];
        int oh = (ph - a.PoolSize[0]) / a.Strides[0] + 1, ow = (pw - a.PoolSize[1]) / a.Strides[1] + 1;
        bool Counted(int i, int j) => a.CountIncludePad
            ? i < rows + a.Pads[0] + a.Pads[1] && j < cols + a.Pads[2] + a.Pads[3]
            : i >= a.Pads[0] && i < a.Pads[0] + rows && j >= a.Pads[2] && j < a.Pads[2] + cols;
        var share = new float[oh * ow];
        for (int r = 0; r < oh; r++)
            for (int c = 0; c < ow; c++)
            {
                int n = 0;
                for (int i = 0; i < a.PoolSize[0]; i++)
                    for (int j = 0; j < a.PoolSize[1]; j++)
                        if (Counted(r * a.Strides[0] + i, c * a.Strides[1] + j)) n++;
                share[r * ow + c] = (float)n / (a.PoolSize[0] * a.PoolSize[1]);
            }
        return Binary("Div", mean, G.Floats($"{h}/counted", share, oh, ow, 1), h);
    }

    /// <summary>The import's resize: per axis, the source cells (and blend weights for linear) from ONNX's coordinate rules.</summary>
    private string ImportedResize(OnnxResize r, Value x)
    {
        string h = r.Name;
        if (x.Rank != 4 || x.Shape[1] is not int rows || x.Shape[2] is not int cols)
            throw Unsupported(r, "input without known rows and columns");
        var y = x.Name;
        int[] sizes = [rows, cols];
        for (int axis = 0; axis < 2; axis++)
        {
            int n = sizes[axis], m = r.Size[axis];
            double scale = axis == 0 ? r.Scales.Rows : r.Scales.Cols;
            var low = new long[m]; var high = new long[m]; var weight = new float[m];
            for (int i = 0; i < m; i++)
            {
                double c = r.CoordinateMode switch
                {
                    "half_pixel" => (i + 0.5) / scale - 0.5,
                    "pytorch_half_pixel" => m > 1 ? (i + 0.5) / scale - 0.5 : 0,
                    "align_corners" => m > 1 ? i * (n - 1) / (double)(m - 1) : 0,
                    "tf_half_pixel_for_nn" => (i + 0.5) / scale,
                    _ => i / (double)scale,
                };
                if (r.Mode == "nearest")
                {
                    double k = r.NearestMode switch
                    {
                        "round_prefer_floor" => Math.Ceiling(c - 0.5),
                        "round_prefer_ceil" => Math.Floor(c + 0.5),
                        "floor" => Math.Floor(c),
                        _ => Math.Ceiling(c),
                    };
                    low[i] = high[i] = (long)Math.Clamp(k, 0, n - 1);
                }
                else
                {
                    c = Math.Clamp(c, 0, n - 1);
                    low[i] = (long)Math.Floor(c);
                    high[i] = Math.Min(low[i] + 1, n - 1);
                    weight[i] = (float)(c - low[i]);
                }
            }
            var a = G.Op("Gather", h, [y, G.Ints($"{h}/low", low)], ("axis", axis + 1));
            if (r.Mode == "nearest") { y = a; continue; }
            var b = G.Op("Gather", h, [y, G.Ints($"{h}/high", high)], ("axis", axis + 1));
            int[] shape = axis == 0 ? [m, 1, 1] : [m, 1];
            y = Binary("Add", a, Binary("Mul", Binary("Sub", b, a, h), G.Floats($"{h}/weight", weight, shape), h), h);
        }
        return y;
    }
}
