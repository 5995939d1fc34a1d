using Graft.Autograd;
using Graft.Layers.Core;
using Graft.Layers.Recurrent;
using Graft.Layers.Wrappers;
using Graft.Models;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers;

/// <summary>Bidirectional around a generic RNN of cells (Keras allows any RNN layer), and resetting a model's stateful layers.</summary>
public class BidirectionalRNNTests
{
    private static Tensor Sequence(int seed, params int[] shape) => Tensor.RandomNormal(shape, generator: new Generator(seed));

    private static Tensor Reverse(Tensor x) => Ops.Gather(x, Enumerable.Range(0, x.Shape[1]).Reverse().ToArray(), 1);

    [Fact]
    public void RnnOfAnLstmCellComputesWhatBidirectionalLstmDoes()
    {
        var x = Sequence(1, 2, 5, 3);
        var cells = new Bidirectional(new RNN(new LSTMCell(4), returnSequences: true, name: "rnn"), name: "bi");
        var layers = new Bidirectional(new LSTM(4, returnSequences: true));
        layers.Call(x);
        cells.Call(x);
        Assert.IsType<RNN>(cells.ForwardLayer);
        Assert.True(cells.BackwardLayer.GoBackwards);
        Assert.Equal("forward_rnn", cells.ForwardLayer.Name);
        cells.SetWeights(layers.GetWeights());
        Assertions.Close(layers.Call(x), cells.Call(x), 1e-6f);
        // The backward half is the forward layer on the reversed sequence, reversed back into time order.
        cells.BackwardLayer.SetWeights(cells.ForwardLayer.GetWeights());
        var y = cells.Call(x);
        var forward = cells.ForwardLayer.Call(x);
        Assertions.Close(Ops.Concatenate([forward, Reverse(cells.ForwardLayer.Call(Reverse(x)))], -1), y, 1e-6f);
    }

    [Fact]
    public void StackedCellsGiveEveryCellsStatesPerDirection()
    {
        var bi = new Bidirectional(new RNN(new StackedRNNCells([new GRUCell(2), new LSTMCell(3)]), returnState: true), "sum");
        var x = Sequence(2, 2, 4, 3);
        var outs = bi.CallWithStates(x);
        // The output, then the forward RNN's h₀, h₁, c₁, then the backward RNN's.
        Assert.Equal([[2, 3], [2, 2], [2, 3], [2, 3], [2, 2], [2, 3], [2, 3]], outs.Select(o => o.Shape.ToArray()));
        var input = Keras.Input([4, 3]);
        var symbolic = bi.CallWithStates(input);
        Assert.Equal(7, symbolic.Length);
        Assert.Equal([null, 2], symbolic[1].Shape);
        // Starting both directions from given states: the forward layer's, then the backward layer's.
        var again = bi.CallWithStates(x, outs[1..]);
        var forward = bi.ForwardLayer.CallWithStates(x, outs[1..4]);
        Assertions.Close(forward[1], again[1], 0f);
    }

    [Theory]
    [InlineData(".keras")]
    [InlineData(".h5")]
    public void SavesAndLoadsInEveryFormat(string extension)
    {
        var input = Keras.Input([4, 3]);
        var y = new Bidirectional(new RNN(new GRUCell(2, resetAfter: false), returnSequences: true), "concat", name: "bi").Call(input);
        var model = new Model(input, new Dense(1).Call(y));
        var x = Sequence(3, 2, 4, 3);
        var expected = model.Predict(x, verbose: 0);
        string path = Path.Combine(Path.GetTempPath(), $"graft-birnn-{Guid.NewGuid():N}{extension}");
        try
        {
            model.Save(path);
            var loaded = Model.Load(path, compile: false);
            var bi = Assert.IsType<Bidirectional>(loaded.Layers.Single(l => l.Name == "bi"));
            Assert.IsType<GRUCell>(Assert.IsType<RNN>(bi.BackwardLayer).Cell);
            Assertions.Close(expected, loaded.Predict(x, verbose: 0), 0f);
            var clone = model.Clone();
            clone.SetWeights(model.GetWeights());
            Assertions.Close(expected, clone.Predict(x, verbose: 0), 0f);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ModelResetStatesResetsEveryStatefulLayerNestedOrWrapped()
    {
        // A stateful LSTM, a nested model holding a stateful GRU, a Bidirectional of a stateful RNN,
        // and a layer that is not stateful (which ResetStates leaves alone, as Keras 2's model.reset_states does).
        var input = Keras.Input([3, 2]);
        var lstm = new LSTM(3, returnSequences: true, stateful: true);
        var innerInput = Keras.Input([3, 3]);
        var gru = new GRU(2, returnSequences: true, stateful: true);
        var inner = new Model(innerInput, gru.Call(innerInput), name: "inner");
        var bi = new Bidirectional(new RNN(new SimpleRNNCell(2), stateful: true));
        var plain = new SimpleRNN(2);
        var h = inner.Call(lstm.Call(input));
        var model = new Model(input, new Graft.Layers.Merging.Concatenate().Call([bi.Call(h), plain.Call(h)]));
        var x1 = Sequence(4, 2, 3, 2);
        var x2 = Sequence(5, 2, 3, 2);
        var fromZeros = model.Predict(x2, verbose: 0);
        model.Predict(x1, verbose: 0);
        Assert.NotNull(lstm.States);
        Assert.NotNull(gru.States);
        Assert.NotNull(bi.States);
        var carried = model.Predict(x2, verbose: 0);
        Assert.True(Ops.Subtract(carried, fromZeros).ToArray().Any(v => Math.Abs(v) > 1e-4f), "expected the carried states to change the output");
        model.ResetStates();
        Assert.Null(lstm.States);
        Assert.Null(gru.States);
        Assert.Null(bi.States);
        Assertions.Close(fromZeros, model.Predict(x2, verbose: 0), 0f);
    }

    [Fact]
    public void BidirectionalResetStatesTakesBothDirectionsStates()
    {
        var bi = new Bidirectional(new LSTM(2, stateful: true));
        var x = Sequence(6, 2, 3, 2);
        bi.Call(x);
        var states = bi.States!;
        Assert.Equal(4, states.Count);
        var e = Assert.Throws<ArgumentException>(() => bi.ResetStates([states[0]]));
        Assert.Contains("forward layer's 2", e.Message);
        bi.ResetStates(states);
        Assertions.Close(bi.ForwardLayer.States![1], states[1], 0f);
        var notStateful = Assert.Throws<InvalidOperationException>(() => new Bidirectional(new GRU(2)).ResetStates());
        Assert.Contains("stateful", notStateful.Message);
    }
}
