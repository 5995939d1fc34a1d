using Graft.Autograd;
using Graft.Layers.Core;
using Graft.Layers.Recurrent;
using Graft.Layers.Wrappers;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;
using static Graft.Tests.Testing.GradCheck;

namespace Graft.Tests.Layers;

/// <summary>return_state and initial_state: the encoder-decoder pattern of Keras's seq2seq examples.</summary>
public class RecurrentStateTests
{
    [Fact]
    public void ReturnedStatesAreTheLastStepsStates()
    {
        var lstm = new LSTM(3, returnSequences: true, returnState: true);
        var x = Tensor.RandomNormal([2, 5, 4], generator: new Generator(1));
        var outs = lstm.CallWithStates(x);
        Assert.Equal(3, outs.Length);
        Assert.Equal([2, 5, 3], outs[0].Shape.ToArray());
        Testing.Assertions.Close(Ops.Reshape(Ops.Slice(outs[0], [0, 4, 0], [2, 1, 3], [1, 1, 1]), 2, 3), outs[1], 0f);
        // The same weights without return_state (fused kernel) give the same sequence.
        var plain = new LSTM(3, returnSequences: true);
        plain.Build([null, 5, 4]);
        plain.SetWeights(lstm.GetWeights());
        Testing.Assertions.Close(plain.Call(x), outs[0], 1e-6f);
        var e = Assert.Throws<InvalidOperationException>(() => lstm.Call(x));
        Assert.Contains("CallWithStates", e.Message);
    }

    [Fact]
    public void ContinuingFromTheStatesEqualsOneLongRun()
    {
        // Running the first half, then the second half from the returned states, is one run over the whole.
        var gru = new GRU(3, returnState: true);
        var x = Tensor.RandomNormal([2, 6, 4], generator: new Generator(2));
        var whole = gru.CallWithStates(x)[0];
        var first = gru.CallWithStates(x.Slice(1, 0, 3));
        var second = gru.CallWithStates(x.Slice(1, 3, 6), [first[1]]);
        Testing.Assertions.Close(whole, second[0], 1e-6f);
        var bad = Assert.Throws<ArgumentException>(() => gru.CallWithStates(x, [Tensor.Zeros(2, 3), Tensor.Zeros(2, 3)]));
        Assert.Contains("initial_state", bad.Message);
    }

    [Fact]
    public void GradientsReachTheInitialStates()
    {
        var lstm = new LSTM(2, returnSequences: true);
        // The layer's weights live on the CPU: the float32 finite-difference check (the catalog runs LSTM against the reference).
        CheckFloat32(t => lstm.CallWithStates(t[0], [t[1], t[2]])[0], [Uniform([2, 3, 2], 1), Uniform([2, 2], 2), Uniform([2, 2], 3)]);
    }

    private static Model EncoderDecoder()
    {
        // One input read twice: the encoder summarises it into (h, c), the decoder starts from them.
        var x = Keras.Input([5, 3], name: "sequence");
        var enc = new LSTM(6, returnState: true, name: "encoder").CallWithStates(x);
        var dec = new LSTM(6, returnSequences: true, name: "decoder").CallWithStates(x, [enc[1], enc[2]])[0];
        var y = new TimeDistributed(new Dense(1)).Call(dec);
        return new Model(x, y);
    }

    [Theory]
    [InlineData(".keras")]
    [InlineData(".h5")]
    public void EncoderDecoderTrainsThroughTheStatesAndSavesAndLoads(string extension)
    {
        using var context = new GraftContext(seed: 7).Use();
        var model = EncoderDecoder();
        var summary = model.Summary(_ => { });
        Assert.Contains("encoder[0][1], encoder[0][2]", summary.Replace("encoder[0][1],\n", "encoder[0][1], "));
        var g = new Generator(8);
        var x = Tensor.RandomNormal([32, 5, 3], generator: g);
        var y = Tensor.RandomNormal([32, 5, 1], generator: g);
        var encoderBefore = model.GetLayer("encoder").GetWeights().Select(w => w.ToArray()).ToList();
        model.Compile("mse", new SGD(0.1));
        model.Fit(x, y, batchSize: 8, epochs: 1, verbose: 0);
        // The encoder is reached only through the decoder's initial state.
        Assert.NotEqual(encoderBefore, model.GetLayer("encoder").GetWeights().Select(w => w.ToArray()).ToList());

        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{extension}");
        try
        {
            model.Save(path);
            var loaded = Model.Load(path);
            Assert.Equal(model.Predict(x).ToArray(), loaded.Predict(x).ToArray());
        }
        finally { File.Delete(path); }
    }
}
