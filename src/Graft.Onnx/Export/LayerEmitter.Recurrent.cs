using Graft.Activations;
using Graft.Layers;
using Graft.Layers.Recurrent;
using Graft.Layers.Wrappers;

namespace Graft.Onnx.Export;

/// <summary>
/// SimpleRNN, LSTM and GRU as ONNX's RNN, LSTM and GRU operators (gates reordered from Keras's to
/// ONNX's, GRU's reset_after as linear_before_reset), and Bidirectional as two of them. A masked
/// sequence, or an activation those operators lack, becomes a Scan over Graft's own step instead:
/// the operators' sequence_lens skips only trailing padding, where a Keras mask may fall anywhere.
/// </summary>
internal sealed partial class LayerEmitter
{
    /// <summary>A run of a recurrent layer: every state in Keras's reading order (N, T, units), or null, and the final states.</summary>
    private sealed record RecurrentRun(string? Sequence, string[] States);

    private Value[] EmitRecurrent(RecurrentBase r, IReadOnlyList<Value> inputs)
    {
        if (r is ConvLSTM) throw ConvolutionalRecurrence(r);
        if (r.Stateful) throw Stateful(r);
        var x = inputs[0];
        int stateCount = r.StateCount;
        if (inputs.Count != 1 && inputs.Count != 1 + stateCount)
            throw new ArgumentException($"{Describe(r)}: expected the sequence and {stateCount} initial state(s), got {inputs.Count} inputs.");
        var run = Run(r, x, inputs.Count > 1 ? inputs.Skip(1).Select(v => v.Name).ToArray() : null);
        int?[] shape = r.ReturnSequences ? [x.Shape[0], x.Shape[1], r.Units] : [x.Shape[0], r.Units];
        var output = new Value(r.ReturnSequences ? run.Sequence! : run.States[0], shape, r.ReturnSequences ? x.Mask : null);
        if (!r.ReturnState) return [output];
        return [output, .. run.States.Select(s => new Value(s, [x.Shape[0], r.Units]))];
    }

    /// <summary>The recurrent layer computing one direction of a Bidirectional: the layer, or an RNN's one engine.</summary>
    private static RecurrentBase Direction(Bidirectional b, RecurrentLayer layer) => layer switch
    {
        ConvLSTM => throw ConvolutionalRecurrence(b),
        RecurrentBase r => r,
        RNN { Engines.Count: 1 } rnn => rnn.Engines[0],
        _ => throw new NotSupportedException($"{Describe(b)}: expected a Bidirectional around SimpleRNN, LSTM, GRU or an RNN of one cell for ONNX export, got an RNN of stacked cells. Wrap each cell's RNN in its own Bidirectional, or keep the model in Keras format."),
    };

    // ONNX's recurrent operators multiply by matrices; a ConvLSTM's step is four convolutions, which this exporter does not build.
    private static NotSupportedException ConvolutionalRecurrence(Layer layer) =>
        new($"{Describe(layer)}: expected SimpleRNN, LSTM, GRU or an RNN of their cells for ONNX export, got a convolutional LSTM, which Graft does not export to ONNX. Keep the model in Keras format (.keras or .h5).");

    // An ONNX graph is a function of its inputs: it cannot keep states from one run to the next.
    private static NotSupportedException Stateful(Layer layer) =>
        new($"{Describe(layer)}: expected stateful=False for ONNX export, got stateful=True; an ONNX graph keeps no states between runs. Export a copy built with stateful=False and pass the states as initial_state inputs.");

    /// <summary>
    /// An RNN as the recurrent layers that compute its cell (one per cell of a stack), each an ONNX
    /// recurrent operator or a Scan, the output of one the input of the next.
    /// </summary>
    private Value[] EmitRnn(RNN rnn, IReadOnlyList<Value> inputs)
    {
        if (rnn.Stateful) throw Stateful(rnn);
        var x = inputs[0];
        var engines = rnn.Engines;
        int stateCount = engines.Sum(e => e.StateCount);
        if (inputs.Count != 1 && inputs.Count != 1 + stateCount)
            throw new ArgumentException($"{Describe(rnn)}: expected the sequence and {stateCount} initial state(s), got {inputs.Count} inputs.");
        string h = rnn.Name;
        var sequence = x;
        if (rnn.GoBackwards && !engines[0].GoBackwards)
        {
            // A stack reads the reversed sequence forwards, as RecurrentCell.Run does.
            sequence = new Value(Reverse(x.Name, h, 1), x.Shape, x.Mask is null ? null : Reverse(x.Mask, h, 1));
        }
        var states = new List<Value>();
        int at = 1;
        foreach (var e in engines)
        {
            var outs = EmitRecurrent(e, [sequence, .. inputs.Count > 1 ? inputs.Skip(at).Take(e.StateCount) : []]);
            at += e.StateCount;
            sequence = outs[0];
            states.AddRange(outs[1..]);
        }
        var output = sequence;
        if (rnn.ZeroOutputForMask && rnn.ReturnSequences && x.Mask is { } mask)
        {
            var m = Unsqueeze(rnn.GoBackwards ? Reverse(mask, h, 1) : mask, h, 2);
            output = output with { Name = Binary("Mul", output.Name, m, h) };
        }
        output = output with { Mask = rnn.ReturnSequences ? x.Mask : null };
        return rnn.ReturnState ? [output, .. states] : [output];
    }

    /// <summary>A cell called alone: one step from zero states, as the cell computes it.</summary>
    private Value[] EmitCell(RecurrentCell cell, IReadOnlyList<Value> inputs)
    {
        if (inputs.Count != 1) throw new ArgumentException($"{Describe(cell)}: expected one input, got {inputs.Count}.");
        var x = inputs[0];
        if (x.Mask is not null) throw new NotSupportedException($"{Describe(cell)}: expected an input without a sequence mask, got a masked input; a cell computes one step.");
        var step = new Value(Unsqueeze(x.Name, cell.Name, 1), [x.Shape[0], 1, x.Shape[1]]);
        foreach (var e in cell.CreateEngines(x.Shape[1]!.Value, returnSequences: false, goBackwards: false, stateful: false))
            step = EmitRecurrent(e, [step])[0];
        return [step];
    }

    private Value[] EmitBidirectional(Bidirectional b, IReadOnlyList<Value> inputs)
    {
        if (b.ForwardLayer.Stateful) throw Stateful(b);
        var (forward, backward) = (Direction(b, b.ForwardLayer), Direction(b, b.BackwardLayer));
        int n = b.ForwardLayer.StateCount;
        if (inputs.Count != 1 && inputs.Count != 1 + 2 * n)
            throw new ArgumentException($"{Describe(b)}: expected the sequence and {2 * n} initial states, got {inputs.Count} inputs.");
        var x = inputs[0];
        string h = b.Name;
        bool sequences = b.ForwardLayer.ReturnSequences;
        var f = Run(forward, x, inputs.Count > 1 ? inputs.Skip(1).Take(n).Select(v => v.Name).ToArray() : null);
        var r = Run(backward, x, inputs.Count > 1 ? inputs.Skip(1 + n).Select(v => v.Name).ToArray() : null);
        string fo = sequences ? f.Sequence! : f.States[0], bo = sequences ? r.Sequence! : r.States[0];
        if (sequences)
        {
            // The backward layer's states come in reading order: put them back in time order.
            bo = Reverse(bo, h, 1);
            if (x.Mask is { } mask)
            {
                // Keras's Bidirectional zeroes the outputs of padding steps.
                var m = Unsqueeze(mask, h, 2);
                fo = Binary("Mul", fo, m, h); bo = Binary("Mul", bo, m, h);
            }
        }
        int?[] one = sequences ? [x.Shape[0], x.Shape[1], forward.Units] : [x.Shape[0], forward.Units];
        string? outMask = sequences ? x.Mask : null;
        // With return_state: the forward layer's final states, then the backward layer's.
        var states = b.ReturnState ? f.States.Concat(r.States).Select(s => new Value(s, [x.Shape[0], forward.Units])).ToArray() : [];
        if (b.MergeMode is null) return [new Value(fo, one, outMask), new Value(bo, one, outMask), .. states];
        string y = b.MergeMode switch
        {
            "concat" => G.Op("Concat", h, [fo, bo], ("axis", -1)),
            "sum" => Binary("Add", fo, bo, h),
            "mul" => Binary("Mul", fo, bo, h),
            "ave" => Binary("Mul", Binary("Add", fo, bo, h), G.Scalar($"{h}/half", 0.5f), h),
            _ => throw Unsupported(b, $"merge_mode '{b.MergeMode}'"),
        };
        int?[] merged = b.MergeMode == "concat" ? [.. one[..^1], 2 * forward.Units] : one;
        return [new Value(y, merged, outMask), .. states];
    }

    /// <summary>ONNX's name (and alpha, beta) for an activation its recurrent operators take; null for others.</summary>
    private static (string Name, float Alpha, float Beta)? RecurrentOperatorActivation(ActivationFunction f) => f.Name switch
    {
        "sigmoid" => ("Sigmoid", 0, 0),
        "tanh" => ("Tanh", 0, 0),
        "relu" => ("Relu", 0, 0),
        "hard_sigmoid" => ("HardSigmoid", 1f / 6f, 0.5f),
        "hard_sigmoid_keras2" => ("HardSigmoid", 0.2f, 0.5f),
        _ => null,
    };

    private RecurrentRun Run(RecurrentBase r, Value x, string[]? initialStates)
    {
        if (x.Rank != 3) throw new ArgumentException($"{Describe(r)}: expected input (batch, steps, features), got rank {x.Rank}.");
        // SimpleRNN has no gates: its recurrent_activation is never used.
        var activations = r is SimpleRNN ? [r.Activation] : new[] { r.RecurrentActivation, r.Activation };
        bool byOperator = x.Mask is null && activations.All(a => RecurrentOperatorActivation(a) is not null);
        return byOperator ? RunOperator(r, x, initialStates) : RunScan(r, x, initialStates);
    }

    /// <summary>Keras's gate blocks in ONNX's order: LSTM i, f, c, o → i, o, f, c; GRU z, r, h is the same.</summary>
    private static int[] GateOrder(RecurrentBase r) => r switch { LSTM => [0, 3, 1, 2], GRU => [0, 1, 2], _ => [0] };

    /// <summary>A Keras (in, gates·units) matrix as ONNX's (1, gates·units, in), blocks in ONNX's order.</summary>
    private static float[] OnnxGates(float[] keras, int inDim, int units, int[] order)
    {
        int width = order.Length * units;
        var result = new float[width * inDim];
        for (int g = 0; g < order.Length; g++)
            for (int j = 0; j < units; j++)
                for (int i = 0; i < inDim; i++)
                    result[(g * units + j) * inDim + i] = keras[i * width + order[g] * units + j];
        return result;
    }

    private static float[] Reorder(float[] bias, int units, int[] order) =>
        order.SelectMany(g => bias.Skip(g * units).Take(units)).ToArray();

    private RecurrentRun RunOperator(RecurrentBase r, Value x, string[]? initialStates)
    {
        string h = r.Name;
        int u = r.Units;
        var order = GateOrder(r);
        var kernel = Required(r, "kernel");
        var recurrent = Required(r, "recurrent_kernel");
        int features = kernel.Shape[0], width = order.Length * u;
        var w = G.Floats($"{h}/W", OnnxGates(kernel.Value.ToArray(), features, u, order), 1, width, features);
        var rw = G.Floats($"{h}/R", OnnxGates(recurrent.Value.ToArray(), u, u, order), 1, width, u);
        // B is [input biases; recurrent biases]: Keras keeps a recurrent bias only in GRU with reset_after.
        var bias = new float[2 * width];
        if (Weight(r, "bias") is { } b)
        {
            var values = b.Value.ToArray();
            if (r is GRU { ResetAfter: true })
            {
                Reorder(values[..width], u, order).CopyTo(bias, 0);
                Reorder(values[width..], u, order).CopyTo(bias, width);
            }
            else Reorder(values, u, order).CopyTo(bias, 0);
        }
        var bname = G.Floats($"{h}/B", bias, 1, 2 * width);
        var inputs = new List<string> { Transpose(x.Name, h, 1, 0, 2), w, rw, bname, "" };
        if (initialStates is not null) inputs.AddRange(initialStates.Select(s => Unsqueeze(s, h, 0)));

        var acts = (r is SimpleRNN ? [r.Activation] : r is LSTM ? [r.RecurrentActivation, r.Activation, r.Activation] : new[] { r.RecurrentActivation, r.Activation })
            .Select(a => RecurrentOperatorActivation(a)!.Value).ToArray();
        var attrs = new List<(string, object)>
        {
            ("hidden_size", u),
            ("direction", r.GoBackwards ? "reverse" : "forward"),
            ("activations", acts.Select(a => a.Name).ToArray()),
        };
        // Alphas and betas are read in order by the activations that take them (HardSigmoid here).
        var parameterised = acts.Where(a => a.Name == "HardSigmoid").ToArray();
        if (parameterised.Length > 0)
        {
            attrs.Add(("activation_alpha", parameterised.Select(a => a.Alpha).ToArray()));
            attrs.Add(("activation_beta", parameterised.Select(a => a.Beta).ToArray()));
        }
        if (r is GRU gru) attrs.Add(("linear_before_reset", gru.ResetAfter ? 1 : 0));
        string op = r switch { LSTM => "LSTM", GRU => "GRU", _ => "RNN" };
        var outs = G.OpN(op, h, inputs, r is LSTM ? 3 : 2, [.. attrs]);

        string? sequence = null;
        if (r.ReturnSequences)
        {
            // Y is (T, 1, N, u) in time order; Keras gives (N, T, u) in reading order.
            sequence = Transpose(Squeeze(outs[0], h, 1), h, 1, 0, 2);
            if (r.GoBackwards) sequence = Reverse(sequence, h, 1);
        }
        return new RecurrentRun(sequence, outs.Skip(1).Select(s => Squeeze(s, h, 0)).ToArray());
    }

    /// <summary>
    /// The recurrence as a Scan over the projected inputs (x·W + b for all steps, one MatMul), with
    /// Graft's step in the body: a masked step keeps the previous states, as in Keras.
    /// </summary>
    private RecurrentRun RunScan(RecurrentBase r, Value x, string[]? initialStates)
    {
        string h = r.Name;
        int u = r.Units, stateCount = r is LSTM ? 2 : 1;
        var kernel = Required(r, "kernel");
        var recurrent = Required(r, "recurrent_kernel");
        int width = kernel.Shape[1];
        var bias = Weight(r, "bias")?.Value.ToArray();
        bool resetAfter = r is GRU { ResetAfter: true };
        float[]? inputBias = bias is null ? null : resetAfter ? bias[..width] : bias;
        float[]? recurrentBias = bias is not null && resetAfter ? bias[width..] : null;

        var projected = G.Op("MatMul", h, [x.Name, Initializer(r, kernel)]);
        if (inputBias is not null) projected = Binary("Add", projected, G.Floats($"{h}/input_bias", inputBias, width), h);
        var states = initialStates ?? Enumerable.Range(0, stateCount).Select(_ =>
            G.Op("Expand", h, [G.Floats($"{h}/zero_state", new float[u], 1, u), G.Op("Concat", h, [ShapeOf(x.Name, h, 0, 1), G.Ints($"{h}/units", [u])], ("axis", 0))])).ToArray();
        var scanInputs = new List<string> { projected };
        if (x.Mask is { } mask) scanInputs.Add(Unsqueeze(mask, h, 2));

        // The step, written into the Scan's body graph; weights stay in the outer graph, read by name.
        var outer = G;
        var body = new OnnxGraph($"{h}_step", outer);
        G = body;
        try
        {
            var prev = Enumerable.Range(0, stateCount).Select(i => body.Fresh($"{h}/state{i}_in")).ToArray();
            var xt = body.Fresh($"{h}/x_t");
            var mt = x.Mask is null ? null : body.Fresh($"{h}/mask_t");
            foreach (var name in prev) body.Proto.Input.Add(OnnxGraph.FloatInfo(name, [null, u], null));
            body.Proto.Input.Add(OnnxGraph.FloatInfo(xt, [null, width], null));
            if (mt is not null) body.Proto.Input.Add(OnnxGraph.FloatInfo(mt, [null, 1], null));

            var next = Step(r, xt, prev, recurrent.Value.ToArray(), recurrentBias);
            if (mt is not null)
            {
                // next·keep + previous·(1 − keep)
                var skip = Binary("Sub", G.Scalar($"{h}/one", 1f), mt, h);
                next = next.Select((s, i) => Binary("Add", Binary("Mul", s, mt, h), Binary("Mul", prev[i], skip, h), h)).ToArray();
            }
            var outputs = next.Select(s => G.Op("Identity", h, [s])).Append(G.Op("Identity", h, [next[0]])).ToArray();
            foreach (var (name, i) in outputs.Select((n, i) => (n, i))) body.Proto.Output.Add(OnnxGraph.FloatInfo(name, [null, u], null));
        }
        finally { G = outer; }

        int direction = r.GoBackwards ? 1 : 0;
        var outs = G.OpN("Scan", h, [.. states, .. scanInputs], stateCount + 1,
            ("body", body.Proto), ("num_scan_inputs", scanInputs.Count),
            ("scan_input_axes", Enumerable.Repeat(1, scanInputs.Count).ToArray()),
            ("scan_input_directions", Enumerable.Repeat(direction, scanInputs.Count).ToArray()),
            // Outputs in iteration order: Keras's reading order, reversed in time for go_backwards.
            ("scan_output_axes", new[] { 1 }));
        return new RecurrentRun(r.ReturnSequences ? outs[^1] : null, outs[..stateCount]);
    }

    /// <summary>One step of Graft's cell on the projected input <paramref name="xt"/> (N, gates·units).</summary>
    private string[] Step(RecurrentBase r, string xt, string[] prev, float[] recurrentKernel, float[]? recurrentBias)
    {
        string h = r.Name;
        int u = r.Units;
        string U(string name, float[] values, int cols) => G.Floats($"{h}/{name}", values, u, cols);
        string[] Gates(string z, int count) => G.OpN("Split", h, [z], count, ("axis", 1));
        switch (r)
        {
            case SimpleRNN:
                return [Activate(r.Activation, Binary("Add", xt, G.Op("MatMul", h, [prev[0], U("recurrent_kernel", recurrentKernel, u)]), h), h)];
            case LSTM:
            {
                var z = Binary("Add", xt, G.Op("MatMul", h, [prev[0], U("recurrent_kernel", recurrentKernel, 4 * u)]), h);
                var g = Gates(z, 4);
                var (i, f, c, o) = (Activate(r.RecurrentActivation, g[0], h), Activate(r.RecurrentActivation, g[1], h), Activate(r.Activation, g[2], h), Activate(r.RecurrentActivation, g[3], h));
                var cell = Binary("Add", Binary("Mul", f, prev[1], h), Binary("Mul", i, c, h), h);
                return [Binary("Mul", o, Activate(r.Activation, cell, h), h), cell];
            }
            case GRU gru:
            {
                var x = Gates(xt, 3);
                string zGate, hh;
                if (gru.ResetAfter)
                {
                    var rec = G.Op("MatMul", h, [prev[0], U("recurrent_kernel", recurrentKernel, 3 * u)]);
                    if (recurrentBias is not null) rec = Binary("Add", rec, G.Floats($"{h}/recurrent_bias", recurrentBias, 3 * u), h);
                    var rg = Gates(rec, 3);
                    zGate = Activate(r.RecurrentActivation, Binary("Add", x[0], rg[0], h), h);
                    var reset = Activate(r.RecurrentActivation, Binary("Add", x[1], rg[1], h), h);
                    hh = Activate(r.Activation, Binary("Add", x[2], Binary("Mul", reset, rg[2], h), h), h);
                }
                else
                {
                    // U's three column blocks, each (u, u).
                    float[] Block(int k) => Enumerable.Range(0, u).SelectMany(row => recurrentKernel.Skip(row * 3 * u + k * u).Take(u)).ToArray();
                    zGate = Activate(r.RecurrentActivation, Binary("Add", x[0], G.Op("MatMul", h, [prev[0], U("recurrent_kernel_z", Block(0), u)]), h), h);
                    var reset = Activate(r.RecurrentActivation, Binary("Add", x[1], G.Op("MatMul", h, [prev[0], U("recurrent_kernel_r", Block(1), u)]), h), h);
                    hh = Activate(r.Activation, Binary("Add", x[2], G.Op("MatMul", h, [Binary("Mul", reset, prev[0], h), U("recurrent_kernel_h", Block(2), u)]), h), h);
                }
                // z·h + (1 − z)·h̃
                var keep = Binary("Sub", G.Scalar($"{h}/one", 1f), zGate, h);
                return [Binary("Add", Binary("Mul", zGate, prev[0], h), Binary("Mul", keep, hh, h), h)];
            }
            default: throw Unsupported(r);
        }
    }
}
