using Graft.Layers.Core;
using Graft.Layers.Recurrent;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;

namespace Graft.Tests.Models;

/// <summary>An embedding + LSTM encoder trained on one synthetic sequence task, frozen, and reused for another.</summary>
public class SequenceTransferTests
{
    private static (Tensor X, Tensor Y) Task(int n, int seed, Func<float[], bool> rule)
    {
        var g = new Generator(seed);
        var x = new float[n * 8]; var y = new float[n];
        for (int i = 0; i < n; i++)
        {
            for (int t = 0; t < 8; t++) x[i * 8 + t] = g.NextInt(10);
            y[i] = rule(x.AsSpan(i * 8, 8).ToArray()) ? 1f : 0f;
        }
        return (Tensor.FromArray(x, n, 8), Tensor.FromArray(y, n, 1));
    }

    [Fact]
    public void FrozenEncoderStaysBitIdenticalAndHelpsTheNewTask()
    {
        using var context = new GraftContext(seed: 9).Use();
        var (x1, y1) = Task(600, 1, s => s.Count(v => v == 3) >= 1);
        var embedding = new Embedding(10, 6, inputShape: [8]);
        var encoder = new LSTM(12);
        var model1 = new Sequential([embedding, encoder, new Dense(1, activation: "sigmoid")]);
        model1.Compile("binary_crossentropy", new Adam(0.02), ["accuracy"]);
        model1.Fit(x1, y1, epochs: 4, verbose: 0);

        var (x2, y2) = Task(600, 2, s => s.Contains(7));
        var model2 = new Sequential(model1.Layers[..^1]);
        model2.Add(new Dense(1, activation: "sigmoid"));
        foreach (var layer in model2.Layers[..^1]) layer.Trainable = false;
        model2.Compile("binary_crossentropy", new Adam(0.05), ["accuracy"]);
        var before = model2.Layers[..^1].SelectMany(l => l.GetWeights()).Select(w => w.ToArray()).ToList();
        var h = model2.Fit(x2, y2, epochs: 6, verbose: 0);
        var after = model2.Layers[..^1].SelectMany(l => l.GetWeights()).Select(w => w.ToArray()).ToList();
        for (int i = 0; i < before.Count; i++) Assert.Equal(before[i], after[i]);
        Assert.True(h["loss"][^1] < h["loss"][0], $"the new head learns: loss {h["loss"][0]} → {h["loss"][^1]}");
    }
}
