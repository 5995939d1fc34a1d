using System.IO.Compression;
using Graft.Autograd;
using Graft.Layers.Core;
using Graft.Layers.Recurrent;
using Graft.Layers.Wrappers;
using Graft.Models;
using Graft.Optimizers;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers;

/// <summary>RNN over Keras's cells, StackedRNNCells, stateful layers and Bidirectional with return_state.</summary>
public class RNNTests
{
    private static Tensor Sequence(int seed, params int[] shape) => Tensor.RandomNormal(shape, generator: new Generator(seed));

    [Fact]
    public void RnnOverAGruCellIsTheGruLayer()
    {
        // GRU with reset_after (Keras 3's default, which TensorFlow.js lacks) is checked against Keras's own
        // files; RNN(GRUCell) must compute the same on the same weights, states included.
        var rnn = new RNN(new GRUCell(3), returnSequences: true, returnState: true);
        var gru = new GRU(3, returnSequences: true, returnState: true);
        var x = Sequence(1, 2, 5, 4);
        var expected = gru.CallWithStates(x);
        rnn.CallWithStates(x);
        rnn.SetWeights(gru.GetWeights());
        Assert.Equal(["kernel", "recurrent_kernel", "bias"], rnn.Weights.Select(w => w.Name));
        Assert.Equal([2, 9], rnn.Weights[2].Shape.ToArray());
        var actual = rnn.CallWithStates(x);
        Assert.Equal(2, actual.Length);
        Assertions.Close(expected[0], actual[0], 1e-6f);
        Assertions.Close(expected[1], actual[1], 1e-6f);
    }

    [Fact]
    public void StepByStepCellCallsEqualTheRnn()
    {
        // Keras's cell protocol: output, states = cell(x_t, states), read along the sequence, is RNN(cell).
        var cell = new StackedRNNCells([new LSTMCell(3), new SimpleRNNCell(2, activation: "relu")]);
        var rnn = new RNN(cell, returnSequences: true, returnState: true);
        var x = Sequence(2, 2, 4, 3);
        var all = rnn.CallWithStates(x);
        Assert.Equal([3, 3, 2], cell.StateSize);
        Tensor[] states = [Tensor.Zeros(2, 3), Tensor.Zeros(2, 3), Tensor.Zeros(2, 2)];
        for (int t = 0; t < 4; t++)
        {
            var outs = cell.Call(Ops.Reshape(x.Slice(1, t, t + 1), 2, 3), states);
            Assertions.Close(Ops.Reshape(all[0].Slice(1, t, t + 1), 2, 2), outs[0], 1e-6f);
            states = outs[1..];
        }
        for (int i = 0; i < 3; i++) Assertions.Close(all[1 + i], states[i], 1e-6f);
        var bad = Assert.Throws<ArgumentException>(() => rnn.CallWithStates(x, [Tensor.Zeros(2, 3)]));
        Assert.Contains("expected initial_state as 3 tensor(s)", bad.Message);
    }

    [Fact]
    public void MaskedStepsRepeatOrZeroTheOutput()
    {
        var x = Sequence(3, 2, 4, 2);
        var values = x.ToArray();
        for (int f = 0; f < 2; f++) values[(0 * 4 + 2) * 2 + f] = 0;      // sample 0, step 2 is padding
        var masked = new Masking(0f).Call(Tensor.FromArray(values, 2, 4, 2));
        var repeat = new RNN(new LSTMCell(2), returnSequences: true);
        var zero = new RNN(new LSTMCell(2), returnSequences: true, zeroOutputForMask: true);
        var a = repeat.Call(masked);
        zero.Call(masked);
        zero.SetWeights(repeat.GetWeights());
        var b = zero.Call(masked).ToArray();
        var av = a.ToArray();
        Assert.Equal(av[2..4], av[4..6]);                                   // step 2 repeats step 1
        Assert.Equal([0f, 0f], b[4..6]);
        Assert.Equal(av[6..], b[6..]);                                      // the states went on the same way
        Assert.Same(masked.Mask, a.Mask);
    }

    [Fact]
    public void StatefulLayersCarryTheirStatesAcrossBatches()
    {
        var x = Sequence(4, 2, 6, 3);
        var whole = new LSTM(3, returnSequences: true);
        var expected = whole.Call(x);
        foreach (var layer in new Graft.Layers.Layer[] { new LSTM(3, returnSequences: true, stateful: true), new RNN(new LSTMCell(3), returnSequences: true, stateful: true) })
        {
            Tensor Half(int from) => layer.Call(x.Slice(1, from, from + 3));
            Half(0);
            layer.SetWeights(whole.GetWeights());
            ResetStates(layer);
            var first = Half(0);
            var second = Half(3);
            // Two halves in two calls are the whole sequence in one.
            Assertions.Close(expected, Ops.Concatenate([first, second], 1), 1e-5f);
            ResetStates(layer);
            Assertions.Close(first, Half(0), 0f);
            var e = Assert.Throws<ArgumentException>(() => layer.Call(Sequence(5, 3, 3, 3)));
            Assert.Contains("expected a batch of 2 sequences", e.Message);
        }
        var plain = Assert.Throws<InvalidOperationException>(() => whole.ResetStates());
        Assert.Contains("stateful=False", plain.Message);
    }

    private static void ResetStates(Graft.Layers.Layer layer)
    {
        if (layer is RNN r) r.ResetStates(); else ((RecurrentBase)layer).ResetStates();
    }

    [Fact]
    public void ResetStatesTakesGivenStates()
    {
        var rnn = new RNN(new StackedRNNCells([new GRUCell(2), new LSTMCell(3)]), stateful: true, returnState: true);
        var x = Sequence(6, 2, 3, 2);
        Tensor[] init = [Sequence(7, 2, 2), Sequence(8, 2, 3), Sequence(9, 2, 3)];
        var expected = rnn.CallWithStates(x, init);
        rnn.ResetStates(init);
        var actual = rnn.CallWithStates(x);
        for (int i = 0; i < 4; i++) Assertions.Close(expected[i], actual[i], 0f);
        Assert.Equal(3, rnn.States!.Count);
        Assertions.Close(actual[3], rnn.States[2], 0f);
    }

    [Fact]
    public void StatefulTrainingKeepsStatesOutsideTheBatchScope()
    {
        var model = new Sequential([new InputLayer([4, 2]), new LSTM(3, stateful: true), new Dense(1)]);
        model.Compile("mse", new SGD(0.05));
        var x = Sequence(10, 8, 4, 2);
        var y = Sequence(11, 8, 1);
        var history = model.Fit(x, y, batchSize: 4, epochs: 2, shuffle: false, verbose: 0);
        Assert.All(history["loss"], l => Assert.True(double.IsFinite(l)));
        var states = ((LSTM)model.Layers[0]).States!;
        Assert.Equal([4, 3], states[0].Shape.ToArray());
        Assert.All(states[1].ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Theory]
    [InlineData(".keras")]
    [InlineData(".h5")]
    public void RnnModelsSaveAndLoad(string extension)
    {
        var input = Keras.Input([5, 3]);
        var seq = new RNN(new StackedRNNCells([new LSTMCell(4), new GRUCell(2, resetAfter: false)]), returnSequences: true, goBackwards: true, name: "stack").Call(input);
        var outs = new RNN(new SimpleRNNCell(3), returnState: true, name: "simple").CallWithStates(seq);
        var bidi = new Bidirectional(new LSTM(2, returnState: true), name: "bidi").CallWithStates(seq);
        var kept = new GRU(2, stateful: true, name: "kept").Call(seq);
        var model = new Model([input], [outs[0], outs[1], bidi[0], bidi[1], bidi[4], kept]);
        var x = Sequence(12, 2, 5, 3);
        var expected = model.PredictOutputs(x);
        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{extension}");
        try
        {
            model.Save(path);
            if (extension == ".keras")
            {
                // Keras 3's layout: the cell under cell/, a stack's cells by class name (saving_lib's containers).
                using var zip = ZipFile.OpenRead(path);
                using var ms = new MemoryStream();
                zip.GetEntry("model.weights.h5")!.Open().CopyTo(ms);
                var rnn = Group(H5Tree.Read(ms.ToArray()), "layers", "rnn", "cell", "cells");
                Assert.Equal(["gru_cell", "lstm_cell"], rnn.Groups.Select(g => g.Name).Order());
                Assert.Equal(3, Group(rnn, "lstm_cell", "vars").Datasets.Count);
            }
            var loaded = Model.Load(path);
            var stack = (RNN)loaded.GetLayer("stack");
            Assert.IsType<StackedRNNCells>(stack.Cell);
            Assert.True(stack.GoBackwards);
            Assert.True(((GRU)loaded.GetLayer("kept")).Stateful);
            var actual = loaded.PredictOutputs(x);
            for (int i = 0; i < expected.Count; i++) Assertions.Close(expected[i], actual[i], 0f);
        }
        finally { File.Delete(path); }
    }

    private static H5Tree Group(H5Tree tree, params string[] path) =>
        path.Aggregate(tree, (t, name) => t.Groups.Single(g => g.Name == name).Group);

    [Fact]
    public void BidirectionalReturnsBothDirectionsStates()
    {
        var bidi = new Bidirectional(new GRU(3, returnState: true, returnSequences: true), mergeMode: null);
        var x = Sequence(13, 2, 4, 2);
        var all = bidi.CallWithStates(x);
        Assert.Equal(4, all.Length);
        // The forward state is the last step's output; the backward one, read from the end, the first step's.
        Assertions.Close(Ops.Reshape(all[0].Slice(1, 3, 4), 2, 3), all[2], 0f);
        Assertions.Close(Ops.Reshape(all[1].Slice(1, 0, 1), 2, 3), all[3], 0f);
        var e = Assert.Throws<InvalidOperationException>(() => bidi.Call(x));
        Assert.Contains("CallWithStates", e.Message);
        var wrong = Assert.Throws<ArgumentException>(() => bidi.CallWithStates(x, [Tensor.Zeros(2, 3)]));
        Assert.Contains("expected initial_state as 2 tensors", wrong.Message);
    }

    [Fact]
    public void StackedCellsRejectNoCellsAndSharedCells()
    {
        Assert.Contains("at least one cell", Assert.Throws<ArgumentException>(() => new StackedRNNCells([])).Message);
        var cell = new LSTMCell(2);
        Assert.Contains("distinct cells", Assert.Throws<ArgumentException>(() => new StackedRNNCells([cell, cell])).Message);
    }

    [Fact]
    public void KerasRnnConfigWithStackedCellsLoads()
    {
        // The config Keras 3 writes for RNN([LSTMCell(4), GRUCell(2)]) (keras/src/layers/rnn/rnn.py get_config).
        var config = System.Text.Json.Nodes.JsonNode.Parse("""
            {"name": "rnn", "trainable": true, "dtype": "float32", "return_sequences": false, "return_state": false,
             "go_backwards": false, "stateful": false, "unroll": false, "zero_output_for_mask": false,
             "cell": {"module": "keras.layers", "class_name": "StackedRNNCells", "registered_name": null,
               "config": {"name": "stacked_rnn_cells", "trainable": true, "dtype": "float32", "cells": [
                 {"module": "keras.layers", "class_name": "LSTMCell", "registered_name": null, "config": {"name": "lstm_cell", "trainable": true,
                   "dtype": "float32", "units": 4, "activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": true,
                   "unit_forget_bias": true, "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null},
                   "recurrent_initializer": {"module": "keras.initializers", "class_name": "Orthogonal", "config": {"seed": null, "gain": 1.0}, "registered_name": null},
                   "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null},
                   "kernel_regularizer": null, "recurrent_regularizer": null, "bias_regularizer": null, "kernel_constraint": null,
                   "recurrent_constraint": null, "bias_constraint": null, "dropout": 0.0, "recurrent_dropout": 0.0, "seed": null}},
                 {"module": "keras.layers", "class_name": "GRUCell", "registered_name": null, "config": {"name": "gru_cell", "trainable": true,
                   "dtype": "float32", "units": 2, "activation": "tanh", "recurrent_activation": "sigmoid", "use_bias": true,
                   "dropout": 0.0, "recurrent_dropout": 0.0, "reset_after": true, "seed": null}}]}}}
            """)!.AsObject();
        var rnn = Assert.IsType<RNN>(LayerRegistry.FromConfig("RNN", config));
        var cells = Assert.IsType<StackedRNNCells>(rnn.Cell).Cells;
        Assert.Equal(4, Assert.IsType<LSTMCell>(cells[0]).Units);
        Assert.True(Assert.IsType<GRUCell>(cells[1]).ResetAfter);
        Assert.Equal([2, 2], rnn.Call(Sequence(14, 2, 3, 5)).Shape.ToArray());
        Assert.Equal(["kernel", "recurrent_kernel", "bias", "kernel", "recurrent_kernel", "bias"], rnn.Weights.Select(w => w.Name));
    }
}
