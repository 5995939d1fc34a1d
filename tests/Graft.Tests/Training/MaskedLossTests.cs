using Graft.Layers.Core;
using Graft.Layers.Recurrent;
using Graft.Layers.Wrappers;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;

namespace Graft.Tests.Training;

/// <summary>Losses of masked return_sequences outputs: Keras averages over the unmasked steps (keras/src/losses/loss.py, apply_mask).</summary>
public class MaskedLossTests
{
    private static readonly Tensor Ids = Tensor.FromArray([3, 1, 0, 0, 2, 4, 4, 1, 0, 3, 0, 2], 3, 4);

    private static Model Tagger()
    {
        var model = new Sequential([new InputLayer([4]), new Embedding(5, 3, maskZero: true), new LSTM(4, returnSequences: true), new TimeDistributed(new Dense(2))]);
        model.Compile("mse", new SGD(0.1));
        return model;
    }

    [Fact]
    public void LossIsTheMeanOverUnmaskedSteps()
    {
        var model = Tagger();
        var y = Tensor.RandomNormal([3, 4, 2], generator: new Generator(1));
        var pred = model.Predict(Ids).ToArray();
        var ids = Ids.ToArray();
        var target = y.ToArray();
        double sum = 0;
        int valid = 0;
        for (int step = 0; step < 12; step++)
        {
            if (ids[step] == 0) continue;
            valid++;
            sum += (Math.Pow(pred[2 * step] - target[2 * step], 2) + Math.Pow(pred[2 * step + 1] - target[2 * step + 1], 2)) / 2;
        }
        Assert.Equal(sum / valid, model.Evaluate(Ids, y, batchSize: 3)["loss"], 1e-5);

        // Targets at padded steps do not count, in evaluation or in training.
        var changed = target.ToArray();
        for (int step = 0; step < 12; step++) if (ids[step] == 0) { changed[2 * step] += 10; changed[2 * step + 1] -= 10; }
        var y2 = Tensor.FromArray(changed, 3, 4, 2);
        Assert.Equal(model.Evaluate(Ids, y, batchSize: 3)["loss"], model.Evaluate(Ids, y2, batchSize: 3)["loss"], 1e-6);
        var a = Tagger();
        var b = Tagger();
        b.SetWeights(a.GetWeights());
        a.Fit(Ids, y, batchSize: 3, epochs: 1, shuffle: false, verbose: 0);
        b.Fit(Ids, y2, batchSize: 3, epochs: 1, shuffle: false, verbose: 0);
        Assert.Equal(a.Predict(Ids).ToArray(), b.Predict(Ids).ToArray());
    }
}
