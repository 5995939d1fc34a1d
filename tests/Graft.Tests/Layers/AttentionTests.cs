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
}
