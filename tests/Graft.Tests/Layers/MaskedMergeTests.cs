using Graft.Layers.Attention;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Recurrent;
using Graft.Models;
using Graft.Tensors;
using Graft.Tests.Onnx;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers;

/// <summary>Sequence masks through merge and attention layers, and Attention's score_mode "concat", as Keras computes them.</summary>
public class MaskedMergeTests
{
    private static Tensor WithMask(Tensor x, params float[] mask)
    {
        var y = x.Clone();
        y.Mask = Tensor.FromArray(mask, x.Shape[0], x.Shape[1]);
        return y;
    }

    private static Tensor Random(int seed, params int[] shape) => Tensor.RandomNormal(shape, generator: new Generator(seed));

    [Fact]
    public void MergesCombineMasksAsKeras()
    {
        var a = WithMask(Random(1, 2, 3, 2), 1, 1, 0, 1, 0, 1);
        var b = WithMask(Random(2, 2, 3, 2), 1, 0, 1, 1, 1, 1);
        var plain = Random(3, 2, 3, 2);
        // Add, Multiply, …: a step is kept where every masked input keeps it.
        Assert.Equal([1f, 0, 0, 1, 0, 1], new Add().Call([a, b, plain]).Mask!.ToArray());
        // Concatenate along the features: kept where any input keeps it (an unmasked input keeps all).
        Assert.Equal([1f, 1, 1, 1, 1, 1], new Concatenate().Call([a, b]).Mask!.ToArray());
        Assert.Equal([1f, 1, 1, 1, 1, 1], new Concatenate().Call([a, plain]).Mask!.ToArray());
        // Along the steps: the masks joined.
        Assert.Equal([1f, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1], new Concatenate(axis: 1).Call([a, plain]).Mask!.ToArray());
        Assert.Null(new Add().Call([plain, plain]).Mask);
    }

    /// <summary>Keras's Attention by its formula, in float64 loops: dot or concat scores, −1e9 at padded values, zeros at padded queries.</summary>
    private static double[] ReferenceAttention(float[] q, float[] v, float[] qMask, float[] vMask, int n, int tq, int tv, int d, bool concat, double scale, double concatWeight)
    {
        var result = new double[n * tq * d];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < tq; i++)
            {
                var scores = new double[tv];
                for (int j = 0; j < tv; j++)
                {
                    double s = 0;
                    for (int f = 0; f < d; f++)
                    {
                        double qv = q[(b * tq + i) * d + f], kv = v[(b * tv + j) * d + f];
                        s += concat ? Math.Tanh(scale * (qv + kv)) : qv * kv;
                    }
                    scores[j] = (concat ? concatWeight * s : scale * s) - (vMask[b * tv + j] == 0 ? 1e9 : 0);
                }
                double max = scores.Max(), total = scores.Sum(x => Math.Exp(x - max));
                for (int f = 0; f < d; f++)
                {
                    double y = 0;
                    for (int j = 0; j < tv; j++) y += Math.Exp(scores[j] - max) / total * v[(b * tv + j) * d + f];
                    result[(b * tq + i) * d + f] = qMask[b * tq + i] * y;
                }
            }
        return result;
    }

    [Theory]
    [InlineData("dot")]
    [InlineData("concat")]
    public void AttentionHonoursQueryAndValueMasks(string scoreMode)
    {
        var layer = new Attention(useScale: true, scoreMode: scoreMode);
        float[] qMask = [1, 0, 1, 1, 1, 0], vMask = [1, 1, 0, 0, 1, 1, 1, 0];
        var q = WithMask(Random(4, 2, 3, 2), qMask);
        var v = WithMask(Random(5, 2, 4, 2), vMask);
        layer.Call([q, v]);
        layer.SetWeights([Tensor.Scalar(0.7f), .. scoreMode == "concat" ? new[] { Tensor.Scalar(1.3f) } : []]);
        var y = layer.Call([q, v]);
        var expected = ReferenceAttention(q.ToArray(), v.ToArray(), qMask, vMask, 2, 3, 4, 2, scoreMode == "concat", 0.7, 1.3);
        Assertions.Close(expected.Select(x => (float)x).ToArray(), y, 1e-5f);
        Assert.Equal(qMask, y.Mask!.ToArray());
        Assert.Equal(["scale", .. scoreMode == "concat" ? new[] { "concat_score_weight" } : []], layer.Weights.Select(w => w.Name));
    }

    [Fact]
    public void AttentionRejectsAnUnknownScoreMode()
    {
        var e = Assert.Throws<ArgumentException>(() => new Attention(scoreMode: "general"));
        Assert.Contains("expected score_mode \"dot\" or \"concat\", got \"general\"", e.Message);
    }

    [Fact]
    public void MultiHeadAttentionIgnoresPaddedValuesAndZeroesPaddedQueries()
    {
        var mha = new MultiHeadAttention(2, 3);
        float[] qMask = [1, 1, 0, 1, 1, 1], vMask = [1, 0, 1, 1, 1, 1, 1, 0];
        var q = WithMask(Random(6, 2, 3, 4), qMask);
        var v = WithMask(Random(7, 2, 4, 4), vMask);
        mha.Call([q, v]);
        // Random biases too, so that the padded query's output shows which one it is.
        var g = new Generator(9);
        foreach (var w in mha.Weights) w.Assign(Tensor.RandomNormal(w.Shape.ToArray(), generator: g));
        var y = mha.Call([q, v]);
        Assert.Equal(qMask, y.Mask!.ToArray());
        // A padded value step does not count: changing it changes nothing.
        var values = v.ToArray();
        for (int f = 0; f < 4; f++) values[(0 * 4 + 1) * 4 + f] += 5f;
        var changed = mha.Call([q, WithMask(Tensor.FromArray(values, 2, 4, 4), vMask)]);
        Assertions.Close(y, changed, 1e-6f);
        // A padded query attends to nothing: its output is the output projection's bias.
        var bias = mha.Weights.Single(w => w.Name == "attention_output/bias").Value.ToArray();
        Assertions.Close(bias, y.ToArray()[8..12], 1e-6f);
    }

    [Fact]
    public void MaskedMergesAndAttentionExportToOnnx()
    {
        var ids = Keras.Input([6], name: "ids");
        var other = Keras.Input([6, 4], name: "other");
        var x = new Embedding(7, 4, maskZero: true).Call(ids);
        var attended = new Attention(useScale: true, scoreMode: "concat").Call([x, x]);
        var heads = new MultiHeadAttention(2, 3, outputShape: 4).Call([attended, x]);
        var joined = new Concatenate().Call([new Add().Call([heads, x]), other]);
        var steps = new Concatenate(axis: 1).Call([x, other]);
        var model = new Model([ids, other], [new LSTM(3).Call(joined), new GRU(2).Call(steps)]);
        OnnxExportLayerTests.Randomize(model);
        var padded = Tensor.FromArray([3, 0, 5, 2, 0, 0, 1, 4, 4, 0, 2, 0, 0, 0, 6, 1, 3, 2], 3, 6);
        ExportCheck.AssertMatches(model, [padded, Random(8, 3, 6, 4)], "masked merges");
    }
}
