using Graft.Layers;
using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Pooling;
using Graft.Layers.Recurrent;
using Graft.Layers.Regularization;
using Graft.Layers.Wrappers;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;

namespace Graft.Tests.Layers;

/// <summary>
/// Keras's masking contract, checked by its consequence: a sequence padded with id 0 (or with
/// Masking's value) gives the same answer as the same sequence without the padding.
/// </summary>
public class MaskingTests
{
    private static readonly int[] Ids = [4, 2, 7, 1, 5];

    private static Tensor Padded(int[] ids, int before, int after) =>
        Tensor.FromArray([.. Enumerable.Repeat(0f, before), .. ids.Select(i => (float)i), .. Enumerable.Repeat(0f, after)], 1, before + ids.Length + after);

    public static TheoryData<string> Encoders => ["LSTM", "LSTM_hard_sigmoid", "GRU", "SimpleRNN", "Bidirectional", "GlobalAveragePooling1D", "LSTM_sequences_pooled"];

    private static Layer[] Encoder(string kind) => kind switch
    {
        "LSTM" => [new LSTM(4)],
        "LSTM_hard_sigmoid" => [new LSTM(4, recurrentActivation: "hard_sigmoid")],
        "GRU" => [new GRU(4)],
        "SimpleRNN" => [new SimpleRNN(4)],
        "Bidirectional" => [new Bidirectional(new LSTM(3))],
        "GlobalAveragePooling1D" => [new Dense(3, activation: "tanh"), new GlobalAveragePooling1D()],
        _ => [new LSTM(4, returnSequences: true), new Dropout(0.2f), new GlobalAveragePooling1D()],
    };

    [Theory]
    [MemberData(nameof(Encoders))]
    public void PaddingWithIdZeroChangesNothing(string kind)
    {
        using var context = new GraftContext(seed: 11).Use();
        var model = new Sequential([new Embedding(10, 3, maskZero: true), .. Encoder(kind), new Dense(2)]);
        var plain = model.Predict(Padded(Ids, 0, 0)).ToArray();
        foreach (var (before, after) in new[] { (0, 3), (2, 0), (1, 4) })
            Testing.Assertions.Close(plain, model.Predict(Padded(Ids, before, after)).ToArray(), 1e-5f, $"{kind} padded {before}+{after}");
        // Without the mask the padding is read as data: the check above is not vacuous.
        var unmasked = new Sequential([new Embedding(10, 3), .. Encoder(kind), new Dense(2)]);
        unmasked.Build([null, 8]);
        unmasked.SetWeights(model.GetWeights());
        Assert.NotEqual(plain, unmasked.Predict(Padded(Ids, 0, 3)).ToArray());
    }

    [Fact]
    public void BidirectionalSequencesAreZeroAtPaddingSteps()
    {
        using var context = new GraftContext(seed: 3).Use();
        var model = new Sequential([new Embedding(10, 3, maskZero: true), new Bidirectional(new LSTM(2, returnSequences: true))]);
        var y = model.Predict(Padded(Ids, 1, 2)).ToArray();       // steps 0, 6, 7 are padding
        Assert.All(new[] { 0, 6, 7 }.SelectMany(t => y.Skip(t * 4).Take(4)), v => Assert.Equal(0f, v));
        Assert.Contains(y.Skip(4).Take(20), v => v != 0f);
    }

    [Fact]
    public void MaskingLayerMasksStepsEqualToTheMaskValue()
    {
        using var context = new GraftContext(seed: 2).Use();
        var model = new Sequential([new Masking(-1f), new LSTM(3)]);
        var x = Tensor.FromArray([0.5f, 0.1f, -1f, -1f, 0.3f, -1f, -1f, -1f], 1, 4, 2);
        var y = model.Predict(x);
        var expected = model.Predict(Tensor.FromArray([0.5f, 0.1f, 0.3f, -1f], 1, 2, 2));
        Testing.Assertions.Close(expected, y, 1e-6f);
    }

    [Fact]
    public void MaskedInputToALayerThatCannotHonourItIsAClearError()
    {
        var model = new Sequential([new Embedding(10, 3, maskZero: true), new Conv1D(2, 3, name: "conv"), new GlobalMaxPooling1D()]);
        var e = Assert.Throws<NotSupportedException>(() => model.Predict(Padded(Ids, 0, 2)));
        Assert.Contains("Conv1D 'conv'", e.Message);
        Assert.Contains("mask", e.Message);
    }

    [Theory]
    [InlineData(".h5")]
    [InlineData(".keras")]
    public void MaskZeroSurvivesSaveAndLoad(string extension)
    {
        var model = new Sequential([new Embedding(10, 3, maskZero: true, inputShape: [6]), new LSTM(2)]);
        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{extension}");
        try
        {
            model.Save(path);
            var loaded = Model.Load(path);
            Assert.True(((Embedding)loaded.Layers[0]).MaskZero);
            var x = Padded([3, 1, 4], 0, 3);
            Assert.Equal(model.Predict(x).ToArray(), loaded.Predict(x).ToArray());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void FrozenMaskedEncoderTrainsItsHeadAndStaysBitIdentical()
    {
        using var context = new GraftContext(seed: 5).Use();
        var g = new Generator(5);
        int n = 64, steps = 8;
        var ids = new float[n * steps];
        var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            int len = 2 + g.NextInt(steps - 1);           // right-padded with 0
            for (int t = 0; t < len; t++) ids[i * steps + t] = 1 + g.NextInt(9);
            y[i] = ids[i * steps] > 5 ? 1f : 0f;
        }
        var model = new Sequential([new Embedding(10, 4, maskZero: true, inputShape: [steps]), new LSTM(6), new Dense(1, activation: "sigmoid")]);
        foreach (var layer in model.Layers[..^1]) layer.Trainable = false;
        var before = model.Layers[..^1].SelectMany(l => l.GetWeights()).Select(w => w.ToArray()).ToList();
        model.Compile("binary_crossentropy", new SGD(0.1));
        var history = model.Fit(Tensor.FromArray(ids, n, steps), Tensor.FromArray(y, n, 1), batchSize: 16, epochs: 3, verbose: 0);
        Assert.All(history["loss"], l => Assert.True(double.IsFinite(l)));
        var after = model.Layers[..^1].SelectMany(l => l.GetWeights()).Select(w => w.ToArray()).ToList();
        Assert.Equal(before, after);
    }
}
