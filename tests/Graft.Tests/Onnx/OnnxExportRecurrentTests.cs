using Graft.Layers.Core;
using Graft.Layers.Recurrent;
using Graft.Layers.Wrappers;
using Graft.Models;
using Graft.Onnx;
using Graft.Tensors;

namespace Graft.Tests.Onnx;

/// <summary>RNN over cells, return_state and initial states, Bidirectional with states, and stateful layers in ONNX export.</summary>
public class OnnxExportRecurrentTests
{
    [Fact]
    public void RnnWithStatesAndMasksMatchesOnnxRuntime()
    {
        // A masked stack read backwards feeds a cell whose RNN starts from given states and returns its own.
        var ids = Keras.Input([6], name: "ids");
        var h0 = Keras.Input([3], name: "h0");
        var c0 = Keras.Input([3], name: "c0");
        var x = new Embedding(7, 4, maskZero: true).Call(ids);
        var seq = new RNN(new StackedRNNCells([new GRUCell(3), new LSTMCell(2, recurrentActivation: "hard_sigmoid")]), returnSequences: true, goBackwards: true, zeroOutputForMask: true).Call(x);
        var outs = new RNN(new LSTMCell(3), returnState: true).CallWithStates(seq, [h0, c0]);
        var bidi = new Bidirectional(new LSTM(2, returnState: true, returnSequences: true), "sum").CallWithStates(seq);
        var model = new Model([ids, h0, c0], [.. outs, .. bidi]);
        OnnxExportLayerTests.Randomize(model);
        var padded = Tensor.FromArray([3, 0, 5, 2, 0, 0, 1, 4, 4, 0, 2, 0, 0, 0, 6, 1, 3, 2], 3, 6);
        var g = new Generator(3);
        ExportCheck.AssertMatches(model, [padded, Tensor.RandomNormal([3, 3], generator: g), Tensor.RandomNormal([3, 3], generator: g)], "rnn states");
    }

    [Fact]
    public void StatefulLayersAreRefusedByName()
    {
        foreach (var layer in new Graft.Layers.Layer[] { new LSTM(2, stateful: true, name: "kept"), new RNN(new GRUCell(2), stateful: true, name: "kept"), new Bidirectional(new SimpleRNN(2, stateful: true), name: "kept") })
        {
            var model = new Sequential([new InputLayer([3, 2]), layer]);
            var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.ToBytes(model));
            Assert.Contains("'kept", e.Message);
            Assert.Contains("stateful=True", e.Message);
        }
    }
}
