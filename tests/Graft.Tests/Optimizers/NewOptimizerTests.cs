using System.Text.Json.Nodes;
using Graft.Layers.Core;
using Graft.Optimizers;
using Graft.Tensors;

namespace Graft.Tests.Optimizers;

/// <summary>
/// Adamax and Adadelta step by step against PyTorch (Fixtures/torch/optimizer_goldens.json, made by
/// tools/torch/make_optimizer_goldens.py); Lion, which PyTorch 1.13 lacks, against Keras's rule by hand.
/// </summary>
public class NewOptimizerTests
{
    private static readonly JsonObject Goldens = JsonNode.Parse(File.ReadAllText(
        Path.Combine(AppContext.BaseDirectory, "Fixtures", "torch", "optimizer_goldens.json")))!.AsObject();

    private static float[] F(JsonNode n) => n.AsArray().Select(v => (float)v!.GetValue<double>()).ToArray();

    /// <summary>Feeds <paramref name="grads"/> to <paramref name="opt"/> on a Dense kernel starting at <paramref name="w0"/>; the weights after each step.</summary>
    private static List<float[]> Steps(Optimizer opt, float[] w0, IEnumerable<float[]> grads)
    {
        var layer = new Dense(w0.Length, useBias: false);
        layer.Build([null, 1]);
        var v = layer.Weights[0];
        v.Value.Assign(Tensor.FromArray(w0, 1, w0.Length));
        var after = new List<float[]>();
        foreach (var g in grads)
        {
            v.Value.RequiresGrad = true;
            typeof(Tensor).GetProperty("Grad")!.SetValue(v.Value, Tensor.FromArray(g, 1, g.Length));
            opt.Apply([v]);
            after.Add(v.Value.ToArray());
        }
        return after;
    }

    public static IEnumerable<object[]> Cases() => Enumerable.Range(0, Goldens["cases"]!.AsArray().Count).Select(i => new object[] { i });

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorchStepByStep(int index)
    {
        var c = Goldens["cases"]![index]!;
        var cfg = c["config"]!;
        double D(string key) => cfg[key]!.GetValue<double>();
        Optimizer opt = c["optimizer"]!.GetValue<string>() switch
        {
            "adamax" => new Adamax(D("learning_rate"), D("beta_1"), D("beta_2"), D("epsilon")),
            "adadelta" => new Adadelta(D("learning_rate"), D("rho"), D("epsilon")),
            var o => throw new InvalidOperationException(o),
        };
        var got = Steps(opt, F(Goldens["initial"]!), Goldens["gradients"]!.AsArray().Select(g => F(g!)));
        var expected = c["weights"]!.AsArray();
        for (int s = 0; s < got.Count; s++)
        {
            var e = F(expected[s]!);
            for (int i = 0; i < e.Length; i++)
                Assert.True(Math.Abs(e[i] - got[s][i]) <= 2e-5 * (1 + Math.Abs(e[i])), $"{opt.Name} step {s + 1}, weight {i}: PyTorch {e[i]}, Graft {got[s][i]}");
        }
    }

    [Fact]
    public void LionFollowsKerasRule()
    {
        float[] w0 = [0.5f, -1f, 2f, 0.1f];
        float[][] grads = [[0.1f, -0.2f, 0.3f, 0f], [0.05f, 0.4f, -0.1f, -0.02f], [-0.3f, 0.1f, -0.5f, 0.01f]];
        const double lr = 0.01, b1 = 0.9, b2 = 0.99;
        var got = Steps(new Lion(lr, b1, b2), w0, grads);
        var w = w0.Select(x => (double)x).ToArray();
        var m = new double[w.Length];
        for (int s = 0; s < grads.Length; s++)
        {
            for (int i = 0; i < w.Length; i++)
            {
                w[i] -= lr * Math.Sign(b1 * m[i] + (1 - b1) * grads[s][i]);
                m[i] = b2 * m[i] + (1 - b2) * grads[s][i];
            }
            for (int i = 0; i < w.Length; i++) Assert.Equal(w[i], got[s][i], 6);
        }
        // A zero update direction leaves the weight where it is (sign 0).
        Assert.Equal(0.1f, got[0][3]);
        Assert.IsType<Lion>(Optimizer.Get("lion"));
        Assert.IsType<Adamax>(Optimizer.Get("adamax"));
        Assert.IsType<Adadelta>(Optimizer.Get("adadelta"));
    }
}
