using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Recurrent;
using Graft.Layers.Wrappers;
using Graft.Models;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Models;

/// <summary>Predict with several inputs and several outputs: every output comes back, in order, and by name.</summary>
public class PredictTests
{
    private static Model TwoInTwoOut()
    {
        var a = Keras.Input([4], name: "features");
        var b = Keras.Input([3], name: "extra");
        var h = new Dense(8, activation: "relu", name: "trunk").Call(new Concatenate().Call([a, b]));
        var score = new Dense(1, activation: "sigmoid", name: "score").Call(h);
        var classes = new Dense(5, activation: "softmax", name: "classes").Call(h);
        return new Model([a, b], [score, classes]);
    }

    [Fact]
    public void PredictOutputsReturnsEveryOutputInOrder()
    {
        var model = TwoInTwoOut();
        var xa = Tensor.RandomNormal([37, 4]);
        var xb = Tensor.RandomNormal([37, 3]);
        var outputs = model.PredictOutputs([xa, xb], batchSize: 5);
        Assert.Equal(["score", "classes"], model.OutputNames);
        Assert.Equal(["features", "extra"], model.InputNames);
        Assert.Equal(2, outputs.Count);
        Assert.Equal(new Shape(37, 1), outputs[0].Shape);
        Assert.Equal(new Shape(37, 5), outputs[1].Shape);
        var direct = model.Call([xa, xb]);
        Assertions.Close(direct[0], outputs[0]);
        Assertions.Close(direct[1], outputs[1]);
        // The batch size changes nothing.
        var whole = model.PredictOutputs([xa, xb], batchSize: 100);
        Assert.Equal(outputs[1].ToArray(), whole[1].ToArray());
        // By name, in any order.
        var byName = model.PredictOutputs(new Dictionary<string, Tensor> { ["extra"] = xb, ["features"] = xa });
        Assert.Equal(whole[0].ToArray(), byName[0].ToArray());
    }

    [Fact]
    public void SingleOutputPredictOnAMultiOutputModelNamesTheRightCall()
    {
        var model = TwoInTwoOut();
        var e = Assert.Throws<InvalidOperationException>(() => model.Predict([Tensor.Zeros(2, 4), Tensor.Zeros(2, 3)]));
        Assert.Contains("expected a model with one output, got 2 (score, classes)", e.Message);
        Assert.Contains("PredictOutputs", e.Message);
    }

    [Fact]
    public void WrongInputsAreArgumentErrorsThatNameTheInputs()
    {
        var model = TwoInTwoOut();
        var e = Assert.Throws<ArgumentException>(() => model.PredictOutputs(Tensor.Zeros(2, 4)));
        Assert.Contains("expected 2 input tensors (features, extra), got 1", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.PredictOutputs(new Dictionary<string, Tensor> { ["features"] = Tensor.Zeros(2, 4), ["other"] = Tensor.Zeros(2, 3) }));
        Assert.Contains("expected inputs named (features, extra), got (features, other)", e.Message);
        e = Assert.Throws<ArgumentException>(() => model.PredictOutputs([Tensor.Zeros(2, 4), Tensor.Zeros(3, 3)]));
        Assert.Contains("expected the same number of samples in every input, got 2 in input 0 and 3 in input 1", e.Message);
    }

    [Fact]
    public void SeveralInputsOneOutputPredictsATensor()
    {
        var a = Keras.Input([2], name: "left");
        var b = Keras.Input([2], name: "right");
        var model = new Model([a, b], [new Add().Call([a, b])]);
        var y = model.Predict([Tensor.Ones(3, 2), Tensor.Ones(3, 2)]);
        Assert.All(y.ToArray(), v => Assert.Equal(2f, v));
        y = model.Predict(new Dictionary<string, Tensor> { ["left"] = Tensor.Ones(3, 2), ["right"] = Tensor.Zeros(3, 2) });
        Assert.All(y.ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void OutputNamesAreUniqueWhenOneLayerGivesSeveralOutputs()
    {
        var x = Keras.Input([5, 3]);
        var both = new Bidirectional(new LSTM(2), mergeMode: null, name: "bidi").CallBothDirections(x);
        var model = new Model([x], both);
        Assert.Equal(["bidi", "bidi_1"], model.OutputNames);
        var outputs = model.PredictOutputs(Tensor.RandomNormal([4, 5, 3]));
        Assert.Equal(2, outputs.Count);
        Assert.NotEqual(outputs[0].ToArray(), outputs[1].ToArray());
    }

    [Fact]
    public void SequentialNamesItsInputAndOutputAsKeras()
    {
        var m = new Sequential([new Dense(3, name: "hidden"), new Dense(2, name: "out")]);
        Assert.Equal(["hidden_input"], m.InputNames);
        Assert.Equal(["out"], m.OutputNames);
        var outputs = m.PredictOutputs(Tensor.Ones(4, 5));
        Assert.Single(outputs);
        Assert.Equal(m.Predict(Tensor.Ones(4, 5)).ToArray(), outputs[0].ToArray());
        Assert.Equal(["in"], new Sequential([new InputLayer([5], name: "in"), new Dense(1)]).InputNames);
    }
}
