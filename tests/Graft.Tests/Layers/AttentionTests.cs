using Graft.Layers.Attention;
using Graft.Tensors;

namespace Graft.Tests.Layers;

/// <summary>The attention layers against their formulas written out in loops (float64).</summary>
public class AttentionTests
{
    private static double[] Softmax(double[] s) { double m = s.Max(); var e = s.Select(v => Math.Exp(v - m)).ToArray(); double z = e.Sum(); return e.Select(v => v / z).ToArray(); }

    /// <summary>out[b,i] = Σ_j softmax_j(score(q[b,i], k[b,j])) · v[b,j].</summary>
    private static float[] Reference(float[] q, float[] k, float[] v, int n, int tq, int tv, int d, Func<int, int, double> score)
    {
        var result = new float[n * tq * d];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < tq; i++)
            {
                var w = Softmax(Enumerable.Range(0, tv).Select(j => score(b * tq + i, b * tv + j)).ToArray());
                for (int c = 0; c < d; c++)
                    result[(b * tq + i) * d + c] = (float)Enumerable.Range(0, tv).Sum(j => w[j] * v[(b * tv + j) * d + c]);
            }
        return result;
    }

    [Fact]
    public void AdditiveAttentionMatchesItsFormula()
    {
        int n = 2, tq = 3, tv = 4, d = 5;
        var g = new Generator(4);
        var (q, v, k) = (Tensor.RandomNormal([n, tq, d], generator: g), Tensor.RandomNormal([n, tv, d], generator: g), Tensor.RandomNormal([n, tv, d], generator: g));
        var layer = new AdditiveAttention();
        var y = layer.Call([q, v, k]);
        var scale = layer.Weights[0].Value.ToArray();
        float[] qd = q.ToArray(), kd = k.ToArray();
        var expected = Reference(qd, kd, v.ToArray(), n, tq, tv, d,
            (qi, kj) => Enumerable.Range(0, d).Sum(c => scale[c] * Math.Tanh(qd[qi * d + c] + kd[kj * d + c])));
        Testing.Assertions.Close(expected, y, 1e-5f);
    }

    [Fact]
    public void DotAttentionMatchesItsFormula()
    {
        int n = 2, tq = 3, tv = 4, d = 5;
        var g = new Generator(5);
        var (q, v) = (Tensor.RandomNormal([n, tq, d], generator: g), Tensor.RandomNormal([n, tv, d], generator: g));
        var y = new Attention().Call([q, v]);
        float[] qd = q.ToArray(), vd = v.ToArray();
        var expected = Reference(qd, vd, vd, n, tq, tv, d, (qi, kj) => Enumerable.Range(0, d).Sum(c => (double)qd[qi * d + c] * vd[kj * d + c]));
        Testing.Assertions.Close(expected, y, 1e-5f);
    }

    [Fact]
    public void MultiHeadAttentionMatchesItsFormula()
    {
        int n = 2, tq = 3, tv = 4, dq = 5, dv = 6, heads = 2, keyDim = 3, valueDim = 2, dOut = 4;
        var g = new Generator(6);
        var (q, v) = (Tensor.RandomNormal([n, tq, dq], generator: g), Tensor.RandomNormal([n, tv, dv], generator: g));
        var layer = new MultiHeadAttention(heads, keyDim, valueDim, outputShape: dOut, biasInitializer: new Graft.Initializers.RandomNormal(0f, 0.5f));
        var y = layer.Call([q, v]);
        Assert.Equal([n, tq, dOut], y.Shape.ToArray());
        var w = layer.Weights.Select(x => x.Value.ToArray()).ToArray();   // wq bq wk bk wv bv wo bo
        Assert.Equal(["query/kernel", "query/bias", "key/kernel", "key/bias", "value/kernel", "value/bias", "attention_output/kernel", "attention_output/bias"],
            layer.Weights.Select(x => x.Path[(x.Path.IndexOf('/') + 1)..]));
        float[] qd = q.ToArray(), vd = v.ToArray();
        // x (row of d) · W (d, heads, dim) + b (heads, dim), head h, component c
        double Proj(float[] x, int row, int d, float[] kernel, float[] bias, int h, int dim, int c) =>
            bias[h * dim + c] + Enumerable.Range(0, d).Sum(i => (double)x[row * d + i] * kernel[(i * heads + h) * dim + c]);
        var expected = new float[n * tq * dOut];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < tq; i++)
            {
                var headOut = new double[heads, valueDim];
                for (int h = 0; h < heads; h++)
                {
                    var scores = Enumerable.Range(0, tv).Select(j => Enumerable.Range(0, keyDim).Sum(c =>
                        Proj(qd, b * tq + i, dq, w[0], w[1], h, keyDim, c) * Proj(vd, b * tv + j, dv, w[2], w[3], h, keyDim, c)) / Math.Sqrt(keyDim)).ToArray();
                    var a = Softmax(scores);
                    for (int c = 0; c < valueDim; c++)
                        headOut[h, c] = Enumerable.Range(0, tv).Sum(j => a[j] * Proj(vd, b * tv + j, dv, w[4], w[5], h, valueDim, c));
                }
                for (int o = 0; o < dOut; o++)
                {
                    double s = w[7][o];
                    for (int h = 0; h < heads; h++)
                        for (int c = 0; c < valueDim; c++) s += headOut[h, c] * w[6][(h * valueDim + c) * dOut + o];
                    expected[(b * tq + i) * dOut + o] = (float)s;
                }
            }
        Testing.Assertions.Close(expected, y, 1e-4f);
    }

    [Fact]
    public void MultiHeadSelfAttentionInAFunctionalModelSavesAndLoads()
    {
        var x = Keras.Input([4, 6]);
        var attended = new MultiHeadAttention(3, 2, name: "mha").Call([x, x]);
        var model = new Graft.Models.Model(x, new Graft.Layers.Pooling.GlobalAveragePooling1D().Call(new Graft.Layers.Merging.Add().Call([x, attended])));
        string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}.keras");
        try
        {
            model.Save(path);
            var loaded = Graft.Models.Model.Load(path);
            var input = Tensor.RandomNormal([2, 4, 6], generator: new Generator(1));
            Assert.Equal(model.Predict(input).ToArray(), loaded.Predict(input).ToArray());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void MultiHeadAttentionCalledWithValueAsKeywordLoads()
    {
        // Keras writes mha(query, value=v) as args [query] and kwargs {"value": v}; Keras 2 as a legacy
        // node [["x", 0, 0, {"value": ["x", 0, 0]}]]. Both must give the same graph.
        var x = Keras.Input([4, 6], name: "x");
        var model = new Graft.Models.Model(x, new MultiHeadAttention(2, 3, name: "mha").Call([x, x]));
        var config = model.GetConfig();
        var mha = config["layers"]!.AsArray().Single(l => l!["name"]!.GetValue<string>() == "mha")!;
        var tensor = mha["inbound_nodes"]![0]!["args"]![0]![0]!.DeepClone();
        var input = Tensor.RandomNormal([2, 4, 6], generator: new Generator(3));
        var expected = model.Predict(input).ToArray();
        foreach (var node in new System.Text.Json.Nodes.JsonNode[]
        {
            new System.Text.Json.Nodes.JsonObject { ["args"] = new System.Text.Json.Nodes.JsonArray(tensor.DeepClone()), ["kwargs"] = new System.Text.Json.Nodes.JsonObject { ["value"] = tensor.DeepClone() } },
            System.Text.Json.Nodes.JsonNode.Parse("""[["x", 0, 0, {"value": ["x", 0, 0]}]]""")!,
        })
        {
            var edited = config.DeepClone().AsObject();
            edited["layers"]!.AsArray().Single(l => l!["name"]!.GetValue<string>() == "mha")!["inbound_nodes"] = new System.Text.Json.Nodes.JsonArray(node);
            var rebuilt = Graft.Saving.ModelConfig.Build(new System.Text.Json.Nodes.JsonObject { ["class_name"] = "Functional", ["config"] = edited }, "test config");
            rebuilt.SetWeights(model.GetWeights());
            Assert.Equal(expected, rebuilt.Predict(input).ToArray());
        }
    }
}
