using Graft.Autograd;
using Graft.Layers.Core;
using Graft.Layers.Recurrent;
using Graft.Layers.Wrappers;
using Graft.Models;
using Graft.Tensors;

namespace Graft.Tests.Layers;

public class BidirectionalTests
{
    private static Tensor Reverse(Tensor x) => Ops.Gather(x, Enumerable.Range(0, x.Shape[1]).Reverse().ToArray(), 1);

    [Fact]
    public void BackwardHalfIsTheForwardLayerOnTheReversedSequence()
    {
        var bi = new Bidirectional(new LSTM(3, returnSequences: true), "concat");
        var x = Tensor.RandomNormal([2, 5, 4], generator: new Generator(1));
        bi.Call(x);
        // Same weights in both directions: the backward half must equal the forward layer run on
        // the reversed input, reversed back into time order.
        bi.BackwardLayer.SetWeights(bi.ForwardLayer.GetWeights());
        var y = bi.Call(x);
        Assert.Equal([2, 5, 6], y.Shape.ToArray());
        var forward = bi.ForwardLayer.Call(x);
        var backward = Reverse(bi.ForwardLayer.Call(Reverse(x)));
        Testing.Assertions.Close(Ops.Concatenate([forward, backward], -1), y, 1e-6f);
    }

    [Fact]
    public void WeightsAreForwardThenBackwardWithKerasNames()
    {
        var model = new Sequential([new Bidirectional(new GRU(2), "sum", inputShape: [3, 4], name: "bi")]);
        Assert.Equal(6, model.Layers[0].Weights.Count);
        Assert.Equal([2], model.OutputShape![1..].Select(d => d!.Value).ToArray());
        var names = model.Layers[0].Weights.Select(w => w.Path).ToList();
        Assert.StartsWith("forward_", names[0].Split('/')[0]);
        Assert.StartsWith("backward_", names[3].Split('/')[0]);
    }

    [Theory]
    [InlineData(".keras")]
    [InlineData(".h5")]
    public void SavedAndLoadedModelPredictsTheSame(string extension)
    {
        var model = new Sequential([new Bidirectional(new LSTM(3, returnSequences: true), inputShape: [5, 2]), new Bidirectional(new SimpleRNN(2), "mul"), new Dense(1)]);
        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{extension}");
        try
        {
            model.Save(path);
            var loaded = Model.Load(path);
            var x = Tensor.RandomNormal([4, 5, 2], generator: new Generator(2));
            Assert.Equal(model.Predict(x).ToArray(), loaded.Predict(x).ToArray());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void UnsupportedMergeModeSaysWhatItExpected()
    {
        var e = Assert.Throws<NotSupportedException>(() => new Bidirectional(new LSTM(2), "max", name: "bi"));
        Assert.Contains("Bidirectional 'bi'", e.Message);
        Assert.Contains("concat", e.Message);
    }

    [Fact]
    public void MergeModeNoneGivesBothDirectionsApart()
    {
        var x = Keras.Input([5, 2]);
        var bi = new Bidirectional(new GRU(3, returnSequences: true), mergeMode: null, name: "bi");
        var both = bi.CallBothDirections(x);
        Assert.Equal(2, both.Length);
        var model = new Model(x, new Graft.Layers.Merging.Concatenate().Call([both[0], both[1]]));
        var concat = new Bidirectional(new GRU(3, returnSequences: true));
        var data = Tensor.RandomNormal([3, 5, 2], generator: new Generator(9));
        concat.Call(data);
        concat.SetWeights(bi.GetWeights());
        Testing.Assertions.Close(concat.Call(data), model.Predict(data), 1e-6f);
        Assert.Throws<InvalidOperationException>(() => bi.Call(data));

        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}.keras");
        try
        {
            model.Save(path);
            var loaded = Model.Load(path);
            Assert.Null(((Bidirectional)loaded.GetLayer("bi")).MergeMode);
            Assert.Equal(model.Predict(data).ToArray(), loaded.Predict(data).ToArray());
        }
        finally { File.Delete(path); }
    }
}
