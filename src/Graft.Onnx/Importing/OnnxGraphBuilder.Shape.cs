using Graft.Layers;
using Graft.Layers.Merging;
using Graft.Layers.Pooling;
using Graft.Layers.Regularization;
using Graft.Models;
using Graft.Onnx.Layers;
using Onnx;
using ReshapeLayer = Graft.Layers.Reshaping.Reshape;
using FlattenLayer = Graft.Layers.Reshaping.Flatten;
using PermuteLayer = Graft.Layers.Reshaping.Permute;

namespace Graft.Onnx.Importing;

// Shape operators. On constants (initializers and the Shape → Gather → Concat → Reshape arithmetic that
// exporters emit) they are folded at import; on computed values they become reshaping layers. The batch
// axis stays first and free: a folded shape holds OnnxConstant.Batch for it.
internal sealed partial class OnnxGraphBuilder
{
    private void Constant()
    {
        if (_node.Attribute("value") is { } t) Output(OnnxConstant.FromProto(t.T, _path, $"graph.node '{_node.Label()}'.value"));
        else if (_node.Attribute("value_float") is { } f) Output(new OnnxConstant([], [f.F]));
        else if (_node.Attribute("value_floats") is { } fs) Output(new OnnxConstant([fs.Floats.Count], fs.Floats.ToArray()));
        else if (_node.Attribute("value_int") is { } i) Output(new OnnxConstant([], [i.I]));
        else if (_node.Attribute("value_ints") is { } ints) Output(new OnnxConstant([ints.Ints.Count], ints.Ints.ToArray()));
        else throw NotSupportedHere("expected a numeric value (value, value_float(s) or value_int(s)), got a sparse or string constant");
    }

    private void ConstantOfShape()
    {
        var dims = ConstantInput(0, "the shape").AsInts();
        int n = dims.Aggregate(1, (a, d) => checked(a * d));
        var value = _node.Attribute("value") is { } t ? OnnxConstant.FromProto(t.T, _path, $"graph.node '{_node.Label()}'.value") : new OnnxConstant([1], [0f]);
        Output(value.IsInteger ? new OnnxConstant(dims, Enumerable.Repeat(value.Longs![0], n).ToArray()) : new OnnxConstant(dims, Enumerable.Repeat(value.Floats![0], n).ToArray()));
    }

    private void ShapeOf()
    {
        var x = Input(0);
        long[] dims = x.Constant is { } c ? c.Dims.Select(d => (long)d).ToArray()
            : x.OnnxShape.Select((d, i) => d is { } v ? v : i == 0 ? OnnxConstant.Batch
                : throw NotSupportedHere($"expected known sizes after the batch axis, got {Shape(x)}")).ToArray();
        int rank = dims.Length;
        int start = (int)Math.Clamp(_node.Int("start", 0) is var s && s < 0 ? s + rank : s, 0, rank);
        int end = (int)Math.Clamp(_node.Int("end", rank) is var e && e < 0 ? e + rank : e, 0, rank);
        Output(OnnxConstant.Vector(dims[start..Math.Max(start, end)]));
    }

    private void Cast()
    {
        var x = Input(0);
        long to = _node.Int("to", 0);
        bool toFloat = to is 1 or 10 or 11;
        if (x.Constant is { } c)
        {
            if (toFloat) Output(new OnnxConstant(c.Dims, c.AsFloats()));
            else if (to == 9) Output(new OnnxConstant(c.Dims, c.AsFloats().Select(v => v != 0 ? 1L : 0L).ToArray()));
            else Output(new OnnxConstant(c.Dims, c.IsInteger ? c.Longs! : c.Floats!.Select(v => (long)v).ToArray()));
        }
        else if (toFloat) Output(x);
        else throw NotSupportedHere($"expected a cast of the model's data to a floating type, got a cast to ONNX type {to}; Graft models compute in float32");
    }

    private void Dropout()
    {
        var x = Input(0);
        if (_node.Output.Count > 1 && _node.Output[1].Length > 0 && x.Constant is null)
            throw NotSupportedHere("expected Dropout's output only, got its mask in use");
        if (x.Constant is not null) { Output(x); return; }
        float ratio = _opset < 12 ? _node.Float("ratio", 0.5f)
            : OptionalInput(1) is { } r ? (r.Constant ?? throw NotSupportedHere("expected a ratio known at import, got a computed one")).ScalarFloat() : 0.5f;
        // Inference ignores it, as ONNX Runtime does; fine-tuning in Graft drops as the exported network did in training.
        if (ratio <= 0f) { Output(x); return; }
        Output(OnnxValue.Of(new Dropout(ratio, name: NodeName()).Call(x.Symbol!), x.ChannelsLast, x.NonNegative));
    }

    private void Flatten()
    {
        var x = Input(0);
        int rank = x.Constant?.Rank ?? x.OnnxShape.Length;
        int axis = (int)_node.Int("axis", 1);
        if (axis < 0) axis += rank;
        if (axis < 0 || axis > rank) throw Malformed($"expected an axis in [{-rank}, {rank}], got {_node.Int("axis", 1)}");
        if (x.Constant is { } c)
        {
            int outer = c.Dims.Take(axis).Aggregate(1, (a, d) => a * d);
            Output(c.WithDims([outer, c.Size / Math.Max(outer, 1)]));
            return;
        }
        if (axis == 0) throw NotSupportedHere("expected Flatten to keep the batch axis (axis >= 1), got axis 0");
        if (rank == 2 && axis == 1) { Output(OnnxValue.Of(x.Symbol!, false, x.NonNegative)); return; }
        Layer layer = axis == 1 ? new FlattenLayer(name: NodeName())
            : new ReshapeLayer([.. x.OnnxShape.Skip(1).Take(axis - 1).Select(d => d ?? throw NotSupportedHere($"expected known sizes, got {Shape(x)}")), -1], name: NodeName());
        Output(OnnxValue.Of(layer.Call(ForReshape(x)), false, x.NonNegative));
    }

    private void Reshape()
    {
        var x = Input(0);
        var target = _opset < 5 ? _node.Ints("shape")! : ConstantInput(1, "the target shape").AsLongs();
        bool allowZero = _node.Int("allowzero", 0) == 1;
        if (x.Constant is { } c)
        {
            Output(c.WithDims(ResolveShape(c.Dims.Select(d => (long)d).ToArray(), target, allowZero, c.Size)));
            return;
        }
        var shape = x.OnnxShape;
        if (target.Length == 0) throw NotSupportedHere("expected a reshape that keeps the batch axis, got a reshape to a scalar");
        // The first target entry must be the batch: the folded batch size, 0 (copy), -1 with the rest fixed, or the file's own batch size.
        long first = target[0];
        bool keepsBatch = first == OnnxConstant.Batch || (first == 0 && !allowZero) || first == -1 || first == 1;
        if (!keepsBatch) throw NotSupportedHere($"expected a target shape whose first entry is the batch (0, -1 or 1), got [{string.Join(", ", target)}]; Graft keeps the batch axis apart");
        var dims = new List<int>();
        for (int i = 1; i < target.Length; i++)
        {
            long t = target[i];
            if (t == 0 && !allowZero)
                dims.Add(i < shape.Length ? shape[i] ?? throw NotSupportedHere($"expected known sizes, got {Shape(x)}") : throw Malformed($"expected target entry {i} = 0 to copy an input axis, got an input of rank {shape.Length}"));
            else if (t == OnnxConstant.Batch) throw NotSupportedHere("expected the batch size first in the target shape only, got it later");
            else if (t == -1 || t > 0) dims.Add((int)t);
            else throw NotSupportedHere($"expected target sizes that are positive, 0 or -1, got [{string.Join(", ", target)}]");
        }
        if (first == -1 && dims.Contains(-1)) throw NotSupportedHere($"expected at most one -1 in the target shape, got [{string.Join(", ", target)}]");
        var current = ForReshape(x);
        if (!dims.Contains(-1) && current.Shape.Skip(1).SequenceEqual(dims.Select(d => (int?)d)) && (current == x.Symbol ? !x.ChannelsLast || Spatial1(x) : true))
        {
            Output(OnnxValue.Of(current, false, x.NonNegative));
            return;
        }
        Output(OnnxValue.Of(new ReshapeLayer([.. dims], name: NodeName()).Call(current), false, x.NonNegative));
    }

    private static bool Spatial1(OnnxValue v) => v.Symbol!.Shape is [_, 1, 1, _];

    /// <summary>ONNX's Reshape rule on fully known shapes: 0 copies, -1 infers.</summary>
    private int[] ResolveShape(long[] input, long[] target, bool allowZero, int size)
    {
        var dims = target.Select((t, i) => t == 0 && !allowZero ? input[i] : t).ToArray();
        if (dims.Any(d => d == OnnxConstant.Batch)) throw NotSupportedHere("expected a constant reshaped by known sizes, got the batch size among them");
        int infer = Array.IndexOf(dims, -1L);
        long known = dims.Where(d => d != -1).Aggregate(1L, (a, d) => a * d);
        if (infer >= 0) dims[infer] = known == 0 ? 0 : size / known;
        if (dims.Aggregate(1L, (a, d) => a * d) != size) throw Malformed($"expected a target shape of {size} elements, got [{string.Join(", ", target)}]");
        return dims.Select(d => (int)d).ToArray();
    }

    private void Transpose()
    {
        var x = Input(0);
        int rank = x.Constant?.Rank ?? x.OnnxShape.Length;
        var perm = _node.Ints("perm")?.Select(p => (int)p).ToArray() ?? Enumerable.Range(0, rank).Reverse().ToArray();
        if (perm.Length != rank || perm.Order().Where((p, i) => p != i).Any()) throw Malformed($"expected a permutation of 0..{rank - 1}, got [{string.Join(", ", perm)}]");
        if (x.Constant is { } c) { Output(c.Transpose(perm)); return; }
        if (perm[0] != 0) throw NotSupportedHere($"expected a transpose that keeps the batch axis first, got perm [{string.Join(", ", perm)}]");
        if (perm.Select((p, i) => p == i).All(b => b)) { Output(x); return; }
        // NCHW → NHWC of a channels-last value is its Graft tensor as it is, and NHWC → NCHW of a plain one
        // is that tensor held channels-last: no layer either way.
        if (x.ChannelsLast && perm.SequenceEqual([0, 2, 3, 1])) { Output(OnnxValue.Of(x.Symbol!, false, x.NonNegative)); return; }
        if (!x.ChannelsLast && perm.SequenceEqual([0, 3, 1, 2])) { Output(OnnxValue.Of(x.Symbol!, true, x.NonNegative)); return; }
        var y = new PermuteLayer(perm.Skip(1).ToArray(), name: NodeName()).Call(OnnxLayout(x));
        Output(OnnxValue.Of(y, false, x.NonNegative));
    }

    private void Concat()
    {
        var inputs = Enumerable.Range(0, _node.Input.Count).Where(HasInput).Select(Input).ToList();
        long axisAttr = _node.Int("axis", _opset < 4 ? 1 : long.MinValue);
        if (axisAttr == long.MinValue) throw Malformed("expected the axis attribute, got none");
        if (inputs.All(v => v.Constant is not null))
        {
            var cs = inputs.Select(v => v.Constant!).ToList();
            int a = NormalizeAxis(axisAttr, cs[0].Rank);
            Output(ConcatConstants(cs, a));
            return;
        }
        // Empty constants (a zero-length shape piece) drop out; other constants have no place in a computed concat.
        inputs = inputs.Where(v => v.Constant is not { Size: 0 }).ToList();
        if (inputs.Any(v => v.Constant is not null)) throw NotSupportedHere("expected every input computed from the model's input, got a constant among them");
        if (inputs.Count == 1) { Output(inputs[0]); return; }
        int rank = inputs[0].OnnxShape.Length;
        int axis = NormalizeAxis(axisAttr, rank);
        if (axis == 0) throw NotSupportedHere("expected a concatenation after the batch axis, got axis 0");
        bool channelsLast = rank == 4 && inputs.All(v => v.OnnxShape.Length == 4) && inputs.Any(v => v.ChannelsLast);
        var tensors = inputs.Select(v => channelsLast ? ChannelsLast(v) : OnnxLayout(v)).ToArray();
        int graftAxis = channelsLast ? (axis == 1 ? 3 : axis - 1) : axis;
        var y = new Concatenate(graftAxis == rank - 1 ? -1 : graftAxis, NodeName()).Call(tensors);
        Output(OnnxValue.Of(y, channelsLast, inputs.All(v => v.NonNegative)));
    }

    private static OnnxConstant ConcatConstants(List<OnnxConstant> cs, int axis)
    {
        var dims = (int[])cs[0].Dims.Clone();
        dims[axis] = cs.Sum(c => c.Dims[axis]);
        int outer = dims.Take(axis).Aggregate(1, (a, d) => a * d);
        bool integer = cs.All(c => c.IsInteger);
        var floats = integer ? null : new List<float>();
        var longs = integer ? new List<long>() : null;
        for (int o = 0; o < outer; o++)
            foreach (var c in cs)
            {
                int block = c.Size / Math.Max(outer, 1);
                if (integer) longs!.AddRange(c.Longs!.Skip(o * block).Take(block));
                else floats!.AddRange(c.AsFloats().Skip(o * block).Take(block));
            }
        return integer ? new OnnxConstant(dims, longs!.ToArray()) : new OnnxConstant(dims, floats!.ToArray());
    }

    private void SqueezeOrUnsqueeze()
    {
        bool squeeze = _node.OpType == "Squeeze";
        var x = Input(0);
        long[]? axesRaw = _opset < 13 ? _node.Ints("axes") : OptionalInput(1) is { } a ? (a.Constant ?? throw NotSupportedHere("expected axes known at import, got computed ones")).AsLongs() : null;
        var shape = x.Constant is { } c ? c.Dims.Select(d => (int?)d).ToArray() : x.OnnxShape;
        List<int?> result;
        if (squeeze)
        {
            var axes = axesRaw?.Select(v => NormalizeAxis(v, shape.Length)).ToHashSet()
                ?? shape.Select((d, i) => (d, i)).Where(p => p.d == 1).Select(p => p.i).ToHashSet();
            if (axes.Any(i => shape[i] != 1 && !(shape[i] is null && x.Constant is null && i > 0)))
                throw Malformed($"expected squeezed axes of size 1, got axes [{string.Join(", ", axes)}] of {FormatDims(shape)}");
            result = shape.Where((_, i) => !axes.Contains(i)).ToList();
            if (axes.Contains(0) && x.Constant is null) throw NotSupportedHere("expected the batch axis kept, got it squeezed");
        }
        else
        {
            if (axesRaw is null) throw Malformed("expected axes, got none");
            int outRank = shape.Length + axesRaw.Length;
            var axes = axesRaw.Select(v => NormalizeAxis(v, outRank)).ToHashSet();
            if (axes.Contains(0) && x.Constant is null) throw NotSupportedHere("expected the batch axis to stay first, got an axis inserted before it");
            result = [];
            int k = 0;
            for (int i = 0; i < outRank; i++) result.Add(axes.Contains(i) ? 1 : shape[k++]);
        }
        if (x.Constant is { } constant) { Output(constant.WithDims(result.Select(d => d!.Value).ToArray())); return; }
        var target = result.Skip(1).Select(d => d ?? -1).ToArray();
        if (target.Count(d => d == -1) > 1) throw NotSupportedHere($"expected at most one unknown size after the batch axis, got {FormatDims(result.ToArray())}");
        Output(OnnxValue.Of(new ReshapeLayer(target, name: NodeName()).Call(ForReshape(x)), false, x.NonNegative));
    }

    private static string FormatDims(int?[] dims) => Layer.FormatShape(dims);

    private void Gather()
    {
        var x = Input(0);
        var indices = ConstantInput(1, "the indices");
        int rank = x.Constant?.Rank ?? x.OnnxShape.Length;
        int axis = NormalizeAxis(_node.Int("axis", 0), rank);
        int n = x.Constant?.Dims[axis] ?? x.OnnxShape[axis] ?? throw NotSupportedHere($"expected a known size on the gathered axis, got {Shape(x)}");
        var idx = indices.AsLongs().Select(i => i < 0 ? i + n : i).ToArray();
        if (idx.Any(i => i < 0 || i >= n)) throw Malformed($"expected indices in [{-n}, {n - 1}], got [{string.Join(", ", indices.AsLongs())}]");
        var ints = idx.Select(i => (int)i).ToArray();
        if (x.Constant is { } c) { Output(TakeAlong(c, axis, ints, indices.Dims)); return; }
        if (axis == 0) throw NotSupportedHere("expected a gather after the batch axis, got axis 0");
        if (indices.Rank > 1) throw NotSupportedHere($"expected a scalar or 1-D indices, got shape ({string.Join(", ", indices.Dims)})");
        var layer = new OnnxGather(axis, ints, squeeze: indices.Rank == 0, NodeName());
        Output(OnnxValue.Of(layer.Call(OnnxLayout(x)), false, x.NonNegative));
    }

    /// <summary>NumPy's take along one axis: the output's axis is replaced by <paramref name="indexDims"/>.</summary>
    private static OnnxConstant TakeAlong(OnnxConstant c, int axis, int[] indices, int[] indexDims)
    {
        int outer = c.Dims.Take(axis).Aggregate(1, (a, d) => a * d);
        int inner = c.Dims.Skip(axis + 1).Aggregate(1, (a, d) => a * d);
        int n = c.Dims[axis];
        var flat = new List<int>(outer * indices.Length * inner);
        for (int o = 0; o < outer; o++)
            foreach (int i in indices)
                for (int k = 0; k < inner; k++) flat.Add((o * n + i) * inner + k);
        return c.Take([.. c.Dims.Take(axis), .. indexDims, .. c.Dims.Skip(axis + 1)], flat);
    }

    private void Slice()
    {
        var x = Input(0);
        long[] starts, ends, axes, steps;
        int rank = x.Constant?.Rank ?? x.OnnxShape.Length;
        if (_opset < 10)
        {
            starts = _node.Ints("starts") ?? throw Malformed("expected starts, got none");
            ends = _node.Ints("ends") ?? throw Malformed("expected ends, got none");
            axes = _node.Ints("axes") ?? Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
            steps = Enumerable.Repeat(1L, starts.Length).ToArray();
        }
        else
        {
            starts = ConstantInput(1, "starts").AsLongs();
            ends = ConstantInput(2, "ends").AsLongs();
            axes = OptionalInput(3) is { } a ? (a.Constant ?? throw NotSupportedHere("expected axes known at import, got computed ones")).AsLongs() : Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
            steps = OptionalInput(4) is { } s ? (s.Constant ?? throw NotSupportedHere("expected steps known at import, got computed ones")).AsLongs() : Enumerable.Repeat(1L, starts.Length).ToArray();
        }
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
            throw Malformed($"expected as many ends, axes and steps as starts ({starts.Length}), got {ends.Length}, {axes.Length}, {steps.Length}");
        var shape = x.Constant is { } cc ? cc.Dims.Select(d => (int?)d).ToArray() : x.OnnxShape;
        var plan = new List<(int Axis, int Start, int End, int Step)>();
        for (int i = 0; i < starts.Length; i++)
        {
            int axis = NormalizeAxis(axes[i], rank);
            long step = steps[i];
            if (step == 0) throw Malformed("expected non-zero steps, got 0");
            if (shape[axis] is not { } n)
            {
                // An unknown size (the batch) can only be kept whole.
                if (starts[i] == 0 && step == 1 && ends[i] >= int.MaxValue) continue;
                throw NotSupportedHere($"expected a slice of known-size axes, got a slice of axis {axis} of {FormatDims(shape)}");
            }
            long Clamp(long v, long lo, long hi) => Math.Clamp(v < 0 ? v + n : v, lo, hi);
            long start = step > 0 ? Clamp(starts[i], 0, n) : Clamp(starts[i], -1, n - 1);
            long end = step > 0 ? Clamp(ends[i], 0, n) : Clamp(ends[i], -1, n - 1);
            if (step > 0 && start == 0 && end == n && step == 1) continue;
            plan.Add((axis, (int)start, (int)end, (int)Math.Clamp(step, int.MinValue, int.MaxValue)));
        }
        if (x.Constant is { } c)
        {
            var r = c;
            foreach (var (axis, start, end, step) in plan)
            {
                var idx = new List<int>();
                for (long k = start; step > 0 ? k < end : k > end; k += step) idx.Add((int)k);
                r = TakeAlong(r, axis, [.. idx], [idx.Count]);
            }
            Output(r);
            return;
        }
        if (plan.Count == 0) { Output(x); return; }
        if (plan.Any(p => p.Axis == 0)) throw NotSupportedHere("expected a slice after the batch axis, got a slice of the batch");
        if (plan.Any(p => p.Step < 0)) throw NotSupportedHere("expected positive steps, got a negative one; Graft slices forward only");
        var layer = new OnnxSlice(plan.Select(p => GraftAxis(x, p.Axis)).ToArray(), plan.Select(p => p.Start).ToArray(),
            plan.Select(p => Math.Max(p.Start, p.End)).ToArray(), plan.Select(p => p.Step).ToArray(), NodeName());
        Output(OnnxValue.Of(layer.Call(x.Symbol!), x.ChannelsLast, x.NonNegative));
    }

    private void Split()
    {
        var x = Input(0);
        int rank = x.Constant?.Rank ?? x.OnnxShape.Length;
        int axis = NormalizeAxis(_node.Int("axis", 0), rank);
        int n = x.Constant?.Dims[axis] ?? x.OnnxShape[axis] ?? throw NotSupportedHere($"expected a known size on the split axis, got {Shape(x)}");
        long[]? split = _opset < 13 ? _node.Ints("split") : OptionalInput(1) is { } s ? (s.Constant ?? throw NotSupportedHere("expected split sizes known at import, got computed ones")).AsLongs() : null;
        int parts = _node.Output.Count;
        if (split is null)
        {
            // Equal parts; with num_outputs (opset 18) the last may be smaller.
            int size = (n + parts - 1) / parts;
            split = Enumerable.Range(0, parts).Select(i => (long)Math.Max(0, Math.Min(size, n - i * size))).ToArray();
        }
        if (split.Length != parts || split.Sum() != n) throw Malformed($"expected {parts} split sizes adding up to {n}, got [{string.Join(", ", split)}]");
        if (x.Constant is null && axis == 0) throw NotSupportedHere("expected a split after the batch axis, got axis 0");
        int start = 0;
        for (int i = 0; i < parts; i++)
        {
            int end = start + (int)split[i];
            if (x.Constant is { } c) Output(TakeAlong(c, axis, Enumerable.Range(start, end - start).ToArray(), [end - start]), i);
            else
            {
                var layer = new OnnxSlice([GraftAxis(x, axis)], [start], [end], [1], LayerName($"{_node.Label()}_{i}"));
                Output(OnnxValue.Of(layer.Call(x.Symbol!), x.ChannelsLast, x.NonNegative), i);
            }
            start = end;
        }
    }

    private void Reduce()
    {
        var x = Input(0);
        SymbolInput(0);
        string op = _node.OpType["Reduce".Length..].ToLowerInvariant();
        bool axesAsInput = _node.OpType == "ReduceSum" ? _opset >= 13 : _opset >= 18;
        long[]? axesRaw = axesAsInput
            ? OptionalInput(1) is { } a ? (a.Constant ?? throw NotSupportedHere("expected axes known at import, got computed ones")).AsLongs() : null
            : _node.Ints("axes");
        bool keepdims = _node.Int("keepdims", 1) == 1;
        int rank = x.OnnxShape.Length;
        if (axesRaw is null || axesRaw.Length == 0)
        {
            if (_node.Int("noop_with_empty_axes", 0) == 1) { Output(x); return; }
            throw NotSupportedHere("expected axes after the batch axis, got a reduction over all axes (the batch included)");
        }
        var axes = axesRaw.Select(v => NormalizeAxis(v, rank)).Distinct().Order().ToArray();
        if (axes.Contains(0)) throw NotSupportedHere("expected axes after the batch axis, got the batch axis among them");
        if (rank == 4 && axes.SequenceEqual([2, 3]) && op is "mean" or "max")
        {
            Layer pool = op == "mean" ? new GlobalAveragePooling2D(keepdims: keepdims, name: NodeName()) : new GlobalMaxPooling2D(keepdims: keepdims, name: NodeName());
            Output(OnnxValue.Of(pool.Call(ChannelsLast(x)), keepdims, x.NonNegative));
            return;
        }
        bool channelsLast = keepdims && x.ChannelsLast;
        var layer = new OnnxReduce(op, axes.Select(v => channelsLast ? GraftAxis(x, v) : v).ToArray(), keepdims, NodeName());
        Output(OnnxValue.Of(layer.Call(channelsLast ? x.Symbol! : OnnxLayout(x)), channelsLast, x.NonNegative));
    }

    // ---- folding element-wise arithmetic on constants ----

    private void FoldUnary(OnnxConstant c)
    {
        string op = _node.OpType;
        if (c.IsInteger && op is "Neg" or "Abs" or "Relu")
        {
            Func<long, long> g = op switch { "Neg" => v => -v, "Abs" => Math.Abs, _ => v => Math.Max(v, 0) };
            Output(new OnnxConstant(c.Dims, c.Longs!.Select(v => v == OnnxConstant.Batch ? throw NotSupportedHere("expected arithmetic on known sizes, got the batch size") : g(v)).ToArray()));
            return;
        }
        Func<float, float> f = op switch
        {
            "Neg" => v => -v, "Abs" => MathF.Abs, "Relu" => v => MathF.Max(v, 0), "Sqrt" => MathF.Sqrt, "Exp" => MathF.Exp,
            "Log" => MathF.Log, "Reciprocal" => v => 1 / v, "Sigmoid" => v => 1 / (1 + MathF.Exp(-v)), "Tanh" => MathF.Tanh,
            _ => throw NotSupportedHere($"expected {op} of a computed value, got one of a constant"),
        };
        Output(new OnnxConstant(c.Dims, c.AsFloats().Select(f).ToArray()));
    }

    private OnnxConstant FoldBinary(string op, List<OnnxConstant> operands)
    {
        var r = operands[0];
        for (int i = 1; i < operands.Count; i++) r = Broadcast(op, r, operands[i]);
        return r;
    }

    private OnnxConstant Broadcast(string op, OnnxConstant a, OnnxConstant b)
    {
        int rank = Math.Max(a.Rank, b.Rank);
        int[] Pad(int[] d) => [.. Enumerable.Repeat(1, rank - d.Length), .. d];
        int[] da = Pad(a.Dims), db = Pad(b.Dims);
        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            if (da[i] != db[i] && da[i] != 1 && db[i] != 1) throw Malformed($"expected operands that broadcast, got shapes ({string.Join(", ", a.Dims)}) and ({string.Join(", ", b.Dims)})");
            dims[i] = Math.Max(da[i], db[i]);
        }
        int size = dims.Aggregate(1, (x, d) => x * d);
        int[] sa = OnnxConstant.Strides(da), sb = OnnxConstant.Strides(db), so = OnnxConstant.Strides(dims);
        var ia = new int[size]; var ib = new int[size];
        for (int o = 0; o < size; o++)
        {
            int rem = o, pa = 0, pb = 0;
            for (int k = 0; k < rank; k++)
            {
                int idx = rem / so[k]; rem %= so[k];
                if (da[k] != 1) pa += idx * sa[k];
                if (db[k] != 1) pb += idx * sb[k];
            }
            ia[o] = pa; ib[o] = pb;
        }
        if (a.IsInteger && b.IsInteger)
        {
            var la = a.Longs!; var lb = b.Longs!;
            var r = new long[size];
            for (int o = 0; o < size; o++)
            {
                long x = la[ia[o]], y = lb[ib[o]];
                if (x == OnnxConstant.Batch || y == OnnxConstant.Batch) throw NotSupportedHere("expected shape arithmetic on known sizes, got arithmetic on the batch size");
                r[o] = op switch
                {
                    "Add" or "Sum" => x + y, "Sub" => x - y, "Mul" => x * y,
                    "Div" => y == 0 ? throw Malformed("expected a non-zero integer divisor, got 0") : x / y,
                    "Pow" => (long)Math.Pow(x, y), "Max" => Math.Max(x, y), _ => Math.Min(x, y),
                };
            }
            return new OnnxConstant(dims, r);
        }
        var fa = a.AsFloats(); var fb = b.AsFloats();
        var rf = new float[size];
        for (int o = 0; o < size; o++)
        {
            float x = fa[ia[o]], y = fb[ib[o]];
            rf[o] = op switch
            {
                "Add" or "Sum" => x + y, "Sub" => x - y, "Mul" => x * y, "Div" => x / y,
                "Pow" => MathF.Pow(x, y), "Max" => MathF.Max(x, y), _ => MathF.Min(x, y),
            };
        }
        return new OnnxConstant(dims, rf);
    }
}
