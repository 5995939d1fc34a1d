using Graft.Layers;
using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Normalization;
using Graft.Layers.Recurrent;
using Graft.Layers.Reshaping;
using Graft.Layers.Wrappers;
using Graft.Models;
using Graft.Tensors;

namespace Graft.Tests.Models;

/// <summary>
/// Predict from many threads at once, starting together on a barrier, on models that build on their
/// first call: each model must build exactly once and every thread must get the same answer.
/// </summary>
public class ConcurrencyTests
{
    private const int Threads = 8;
    private const int Rounds = 40;

    /// <summary>Runs <paramref name="work"/> on <see cref="Threads"/> threads released together; rethrows the first failure.</summary>
    private static T[] RunTogether<T>(Func<T> work)
    {
        var results = new T[Threads];
        var errors = new Exception?[Threads];
        using var barrier = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(i => new Thread(() =>
        {
            barrier.SignalAndWait();
            try { results[i] = work(); }
            catch (Exception e) { errors[i] = e; }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        if (errors.FirstOrDefault(e => e is not null) is { } error) throw new Xunit.Sdk.XunitException($"a thread failed: {error}");
        return results;
    }

    private static void AssertBuiltOnceAndSame(Model model, Tensor x, long expectedParams, int expectedWeights)
    {
        var outputs = RunTogether(() => model.Predict(x, batchSize: 8));
        Assert.Equal(expectedParams, model.CountParams());
        Assert.Equal(expectedWeights, model.Weights.Count);
        var reference = model.Predict(x, batchSize: 8).ToArray();
        foreach (var y in outputs) Assert.Equal(reference, y.ToArray());
    }

    [Fact]
    public void ConcurrentFirstPredictBuildsASequentialOnce()
    {
        // 20·64+64 + 64·32+32 + 32·4+4 = 3556 parameters; a double build made it 6980.
        for (int round = 0; round < Rounds; round++)
        {
            var model = new Sequential([new Dense(64, activation: "relu"), new Dense(32, activation: "relu"), new Dense(4)]);
            AssertBuiltOnceAndSame(model, Tensor.RandomNormal([16, 20]), 3556, 6);
        }
    }

    [Fact]
    public void ConcurrentFirstPredictBuildsConvolutionalAndRecurrentModelsOnce()
    {
        for (int round = 0; round < Rounds / 4; round++)
        {
            var cnn = new Sequential([new Conv2D(4, [3, 3], activation: "relu"), new BatchNormalization(), new Flatten(), new Dense(3)]);
            long cnnParams = (3 * 3 * 2 * 4 + 4) + 4 * 4 + (6 * 6 * 4 * 3 + 3);
            AssertBuiltOnceAndSame(cnn, Tensor.RandomNormal([8, 8, 8, 2]), cnnParams, 2 + 4 + 2);

            var rnn = new Sequential([new Bidirectional(new LSTM(5, returnSequences: true)), new TimeDistributed(new Dense(2)), new GRU(3)]);
            long lstm = 4 * (3 * 5 + 5 * 5 + 5), gru = 3 * (2 * 3 + 3 * 3 + 2 * 3);
            AssertBuiltOnceAndSame(rnn, Tensor.RandomNormal([8, 6, 3]), 2 * lstm + (10 * 2 + 2) + gru, 6 + 2 + 3);
        }
    }

    [Fact]
    public void ConcurrentFirstCallsBuildALayerOnce()
    {
        for (int round = 0; round < Rounds; round++)
        {
            var dense = new Dense(16);
            var x = Tensor.RandomNormal([4, 10]);
            var outputs = RunTogether(() => { using var noGrad = Graft.Autograd.GradMode.NoGrad(); return dense.Call(x).ToArray(); });
            Assert.Equal(2, dense.Weights.Count);
            foreach (var y in outputs) Assert.Equal(outputs[0], y);
        }
    }

    [Fact]
    public void ConcurrentPredictOnABuiltFunctionalModelGivesTheSameOutputs()
    {
        var input = Keras.Input([12]);
        var a = new Dense(8, activation: "relu").Call(input);
        var b = new Dense(8, activation: "tanh").Call(input);
        var merged = new Graft.Layers.Merging.Concatenate().Call([a, b]);
        var model = new Model(input, new Dense(3).Call(merged));
        var x = Tensor.RandomNormal([40, 12]);
        var reference = model.Predict(x).ToArray();
        for (int round = 0; round < 5; round++)
            foreach (var y in RunTogether(() => model.Predict(x, batchSize: 7))) Assert.Equal(reference, y.ToArray());
    }
}
