using Graft.Layers;
using Graft.Layers.Core;
using Graft.Optimizers;
using Graft.Optimizers.Schedules;
using Graft.Tensors;

namespace Graft.Tests.Optimizers;

/// <summary>Two update steps of each optimizer against Keras 3's formulas evaluated in float64.</summary>
public class OptimizerTests
{
    private static readonly double[] W0 = [0.5, -1.0, 2.0];
    private static readonly double[][] Grads = [[0.1, -0.2, 0.3], [0.05, 0.4, -0.1]];

    /// <summary>Runs <paramref name="opt"/> for two steps on a Dense kernel fed fixed gradients.</summary>
    private static float[] Run(Optimizer opt)
    {
        var layer = new Dense(3, useBias: false);
        layer.Build([null, 1]);
        var v = layer.Weights[0];
        v.Value.Assign(Tensor.FromArray(W0.Select(x => (float)x).ToArray(), 1, 3));
        foreach (var g in Grads)
        {
            v.Value.RequiresGrad = true;
            typeof(Tensor).GetProperty("Grad")!.SetValue(v.Value, Tensor.FromArray(g.Select(x => (float)x).ToArray(), 1, 3));
            opt.Apply([v]);
        }
        return v.Value.ToArray();
    }

    private static void Expect(Func<double, int, double[], double> rule, Optimizer opt, int decimals = 5)
    {
        var got = Run(opt);
        for (int i = 0; i < 3; i++) Assert.Equal(Expected(rule, i), got[i], decimals);
    }

    /// <summary>Replays a per-element rule with its own state for element i.</summary>
    private static double Expected(Func<double, int, double[], double> rule, int i)
    {
        double w = W0[i];
        var state = new double[5];
        for (int t = 0; t < 2; t++)
        {
            state[0] = Grads[t][i];
            w = rule(w, t, state);
        }
        return w;
    }

    [Fact]
    public void SgdPlain() => Expect((w, t, s) => w - 0.01 * s[0], new SGD());

    [Fact]
    public void SgdMomentumAndNesterov()
    {
        Expect((w, t, s) => { s[1] = 0.9 * s[1] - 0.1 * s[0]; return w + s[1]; }, new SGD(0.1, momentum: 0.9));
        Expect((w, t, s) => { s[1] = 0.9 * s[1] - 0.1 * s[0]; return w + 0.9 * s[1] - 0.1 * s[0]; }, new SGD(0.1, momentum: 0.9, nesterov: true));
    }

    [Fact]
    public void AdamAndAdamW()
    {
        double Adam(double w, int t, double[] s, double lr, double wd)
        {
            w -= w * wd * lr;
            double g = s[0], step = t + 1;
            s[1] += (g - s[1]) * 0.1; s[2] += (g * g - s[2]) * 0.001;
            double alpha = lr * Math.Sqrt(1 - Math.Pow(0.999, step)) / (1 - Math.Pow(0.9, step));
            return w - alpha * s[1] / (Math.Sqrt(s[2]) + 1e-7);
        }
        Expect((w, t, s) => Adam(w, t, s, 0.001, 0), new Adam());
        Expect((w, t, s) => Adam(w, t, s, 0.01, 0.004), new AdamW(0.01));
    }

    [Fact]
    public void RmsPropAdagradNadam()
    {
        Expect((w, t, s) => { s[1] = 0.9 * s[1] + 0.1 * s[0] * s[0]; return w - 0.001 * s[0] / Math.Sqrt(s[1] + 1e-7); }, new RMSprop());
        Expect((w, t, s) =>
        {
            s[1] = 0.9 * s[1] + 0.1 * s[0] * s[0];
            s[2] = 0.9 * s[2] + 0.1 * s[0];
            double inc = 0.01 * s[0] / Math.Sqrt(s[1] - s[2] * s[2] + 1e-7);
            s[3] = 0.5 * s[3] + inc;
            return w - s[3];
        }, new RMSprop(0.01, momentum: 0.5, centered: true), 4);
        Expect((w, t, s) => { if (t == 0) s[1] = 0.1; s[1] += s[0] * s[0]; return w - 0.001 * s[0] / Math.Sqrt(s[1] + 1e-7); }, new Adagrad());
        Expect((w, t, s) =>
        {
            double g = s[0], step = t + 1;
            double U(double k) => 0.9 * (1 - 0.5 * Math.Pow(0.96, k));
            if (t == 0) s[4] = 1;
            double ut = U(step), ut1 = U(step + 1);
            double uProd = s[4] * ut, uProd1 = uProd * ut1;
            s[1] += (g - s[1]) * 0.1; s[2] += (g * g - s[2]) * 0.001;
            double mHat = ut1 * s[1] / (1 - uProd1) + (1 - ut) * g / (1 - uProd);
            double vHat = s[2] / (1 - Math.Pow(0.999, step));
            s[4] = uProd;
            return w - mHat * 0.001 / (Math.Sqrt(vHat) + 1e-7);
        }, new Nadam());
    }

    [Fact]
    public void ClippingAndWeightDecay()
    {
        // clipvalue 0.15 caps 0.3 and −0.2; SGD lr 1.
        var got = Run(new SGD(1.0, clipvalue: 0.15));
        Assert.Equal(0.5 - 0.1 - 0.05, got[0], 5);
        Assert.Equal(-1.0 + 0.15 - 0.15, got[1], 5);
        // clipnorm 0.1: each gradient scaled to norm 0.1.
        var g0 = Grads[0]; double n0 = Math.Sqrt(g0.Sum(x => x * x));
        var g1 = Grads[1]; double n1 = Math.Sqrt(g1.Sum(x => x * x));
        got = Run(new SGD(1.0, clipnorm: 0.1));
        Assert.Equal(W0[2] - g0[2] * 0.1 / n0 - g1[2] * 0.1 / n1, got[2], 5);
        Assert.Contains("at most one of clipnorm, clipvalue, global_clipnorm", Assert.Throws<ArgumentException>(() => new SGD(clipnorm: 1, clipvalue: 1)).Message);
    }

    [Fact]
    public void Schedules()
    {
        Assert.Equal(0.1 * Math.Pow(0.5, 1.5), new ExponentialDecay(0.1, 10, 0.5).Call(15), 10);
        Assert.Equal(0.1 * 0.5, new ExponentialDecay(0.1, 10, 0.5, staircase: true).Call(15), 10);
        var pw = new PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1]);
        Assert.Equal([1.0, 1.0, 0.5, 0.1], new long[] { 0, 10, 11, 21 }.Select(pw.Call));
        var cos = new CosineDecay(0.0, 100, alpha: 0.1, warmupTarget: 1.0, warmupSteps: 10);
        Assert.Equal(0.5, cos.Call(5), 10);
        Assert.Equal(1.0, cos.Call(10), 10);
        Assert.Equal(0.1 + 0.9 * 0.5, cos.Call(60), 10);
        Assert.Equal(0.1, cos.Call(500), 10);
        var opt = new SGD(new ExponentialDecay(1.0, 1, 0.5));
        Run(opt);
        Assert.Equal(2, opt.Iterations);
        Assert.Equal(0.25, opt.LearningRate, 10);
    }

    [Fact]
    public void BuildCreatesTheStateInTheOrderGivenAndOnlyOnce()
    {
        var a = new Dense(2); a.Build([null, 3]);
        var b = new Dense(1); b.Build([null, 2]);
        var weights = a.TrainableWeights.Concat(b.TrainableWeights).ToList();
        var opt = new Adam();
        Assert.False(opt.Built);
        opt.Build(weights);
        Assert.True(opt.Built);
        Assert.Equal(weights, opt.TrainableVariables);
        Assert.Equal(0, opt.Iterations);
        var slots = opt.SlotsFor(weights[0]);
        Assert.Equal(2, slots.Length);
        Assert.All(slots, s => Assert.Equal(weights[0].Shape, s.Shape));
        // Building again keeps the state; a weight first met in an update is added after the others.
        opt.Build(weights);
        Assert.Same(slots, opt.SlotsFor(weights[0]));
        var c = new Dense(1); c.Build([null, 1]);
        var extra = c.TrainableWeights[0];
        extra.Value.RequiresGrad = true;
        typeof(Tensor).GetProperty("Grad")!.SetValue(extra.Value, Tensor.FromArray([1f], 1, 1));
        opt.Apply([extra]);
        Assert.Equal([.. weights, extra], opt.TrainableVariables);
    }
}
