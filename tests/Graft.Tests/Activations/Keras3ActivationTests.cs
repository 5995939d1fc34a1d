using Graft.Activations;
using Graft.Autograd;
using Graft.Layers.Activations;
using Graft.Layers.Core;
using Graft.Models;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Activations;

/// <summary>
/// Keras 3's added activations against their formulas (keras/src/backend/numpy/nn.py), evaluated in
/// float64 here, on points that include each piece's edges; and the names Keras resolves.
/// </summary>
public class Keras3ActivationTests
{
    private static readonly float[] X = [-3f, -1.5f, -1f, -0.6f, -0.5f, -0.2f, 0f, 0.3f, 0.5f, 0.7f, 1f, 2.5f, 4f];

    private static void Expect(Func<double, double> f, Tensor y, float tol = 2e-6f) =>
        Assertions.Close(X.Select(v => (float)f(v)).ToArray(), y, tol);

    private static Tensor In => Tensor.FromArray(X, X.Length);
    private static double Softplus(double v) => Math.Max(v, 0) + Math.Log(1 + Math.Exp(-Math.Abs(v)));
    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    [Fact] public void Celu() => Expect(v => Math.Max(v, 0) + 0.7 * (Math.Exp(Math.Min(v, 0) / 0.7) - 1), Ops.Celu(In, 0.7f));
    [Fact] public void HardTanh() => Expect(v => Math.Clamp(v, -1, 1), Ops.HardTanh(In));
    [Fact] public void HardSilu() => Expect(v => v * Math.Min(Math.Max(v + 3, 0), 6) / 6, Ops.HardSilu(In));
    [Fact] public void LogSigmoid() => Expect(v => Math.Log(Sigmoid(v)), Ops.LogSigmoid(In));
    [Fact] public void Mish() => Expect(v => v * Math.Tanh(Softplus(v)), Ops.Mish(In));
    [Fact] public void SoftShrink() => Expect(v => v > 0.5 ? v - 0.5 : v < -0.5 ? v + 0.5 : 0, Ops.SoftShrink(In));
    [Fact] public void HardShrink() => Expect(v => Math.Abs(v) > 0.5 ? v : 0, Ops.HardShrink(In));
    [Fact] public void TanhShrink() => Expect(v => v - Math.Tanh(v), Ops.TanhShrink(In));
    [Fact] public void SparsePlus() => Expect(v => v <= -1 ? 0 : v < 1 ? (v + 1) * (v + 1) / 4 : v, Ops.SparsePlus(In));
    [Fact] public void SparseSigmoid() => Expect(v => v <= -1 ? 0 : v >= 1 ? 1 : 0.5 * (v + 1), Ops.SparseSigmoid(In));
    [Fact] public void Squareplus() => Expect(v => (v + Math.Sqrt(v * v + 4)) / 2, Ops.Squareplus(In), 4e-6f);
    [Fact] public void Threshold() => Expect(v => v > 0.5 ? v : -7, Ops.Threshold(In, 0.5f, -7f));

    [Fact]
    public void ReluThresholdKeepsOnlyValuesStrictlyAbove()
    {
        // Keras: where(x > threshold, x, 0) − slope·relu(threshold − x); x = threshold gives 0.
        Expect(v => v > 0.5 ? v : 0.1 * (v - 0.5), Ops.Relu(In, 0.1f, threshold: 0.5f));
    }

    [Fact]
    public void GluMultipliesTheFirstHalfByTheSigmoidOfTheSecond()
    {
        var x = Tensor.FromArray([1f, 2f, -1f, 0.5f, 3f, -2f, 0f, 1f], 2, 4);
        Assertions.Close([(float)(1 * Sigmoid(-1)), (float)(2 * Sigmoid(0.5)), (float)(3 * Sigmoid(0)), (float)(-2 * Sigmoid(1))], Ops.Glu(x));
        Assertions.Close([(float)(1 * Sigmoid(3)), (float)(2 * Sigmoid(-2)), (float)(-1 * Sigmoid(0)), (float)(0.5 * Sigmoid(1))], Ops.Glu(x, 0));
        var e = Assert.Throws<ArgumentException>(() => Ops.Glu(Tensor.FromArray([1f, 2f, 3f], 1, 3)));
        Assert.Contains("even size", e.Message);
    }

    [Fact]
    public void SparsemaxProjectsOntoTheSimplex()
    {
        // keras-team/keras#23425's case: two values in the support.
        Assertions.Close([0f, 0.25f, 0.75f], Ops.Sparsemax(Tensor.FromArray([0f, 0.5f, 1f], 1, 3)));
        // #23469's case: four of five in the support.
        Assertions.Close([0f, 0.1f, 0.2f, 0.3f, 0.4f], Ops.Sparsemax(Tensor.FromArray([0.1f, 0.2f, 0.3f, 0.4f, 0.5f], 5)), 1e-6f);
        // Keras's own test: widely spaced values give one-hot rows, along any axis.
        var spaced = Tensor.FromArray(Enumerable.Range(1, 12).Select(i => (float)i).ToArray(), 6, 2);
        Assertions.Close(Enumerable.Range(0, 12).Select(i => i % 2 == 1 ? 1f : 0f).ToArray(), Ops.Sparsemax(spaced));
        Assertions.Close(Enumerable.Range(0, 12).Select(i => i >= 10 ? 1f : 0f).ToArray(), Ops.Sparsemax(spaced, 0));
        // Ties share the mass; each row sums to 1.
        Assertions.Close([1f / 3, 1f / 3, 1f / 3, 0f], Ops.Sparsemax(Tensor.FromArray([2f, 2f, 2f, -5f], 4)), 1e-6f);
        var random = Ops.Sparsemax(GradCheck.Uniform([7, 9], 4, -2f, 2f));
        Assertions.Close(Enumerable.Repeat(1f, 7).ToArray(), Ops.Sum(random, [1]), 1e-5f);
    }

    [Fact]
    public void EveryKerasName()
    {
        foreach (var name in ActivationFunction.Names)
        {
            var f = ActivationFunction.Get(name);
            Assert.Equal(name, f.Name);
            Assert.Equal(name == "glu" ? [2, 4] : [2, 8], f.Call(GradCheck.Uniform([2, 8], 1)).Shape.Dims);
        }
        string[] keras3 = ["celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh",
            "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish", "relu", "relu6", "selu", "sigmoid", "silu", "swish", "soft_shrink",
            "softmax", "softplus", "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "tanh", "tanh_shrink"];
        Assert.Empty(keras3.Except(ActivationFunction.Names));
        var e = Assert.Throws<ArgumentException>(() => ActivationFunction.Get("threshold"));
        Assert.Contains("default_value", e.Message);
    }

    [Fact]
    public void HardSwishIsHardSilu() =>
        Assert.Equal(Ops.HardSilu(In).ToArray(), ActivationFunction.Get("hard_swish").Call(In).ToArray());

    [Fact]
    public void ThresholdedReLUZeroesValuesAtOrBelowTheta()
    {
        var layer = new ThresholdedReLU(0.5);
        Expect(v => v > 0.5 ? v : 0, layer.Call(In));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ThresholdedReLU(-1));
        Assert.Equal(1.0, (double)new ThresholdedReLU().GetConfig()["theta"]!);
    }

    [Fact]
    public void DenseWithAKeras3ActivationSavesAndLoads()
    {
        var model = new Sequential([new Dense(4, activation: "mish", inputShape: [3]), new Activation("glu"), new Dense(2, activation: "sparsemax")]);
        var x = GradCheck.Uniform([5, 3], 2);
        var y = model.Predict(x);
        Assert.Equal([5, 2], y.Shape.Dims);
        Assertions.Close(Enumerable.Repeat(1f, 5).ToArray(), Ops.Sum(y, [1]), 1e-5f);
        foreach (var ext in new[] { ".keras", ".h5" })
        {
            var path = Path.Combine(Path.GetTempPath(), $"graft-act-{Guid.NewGuid():N}{ext}");
            try
            {
                model.Save(path);
                var loaded = Model.Load(path);
                Assert.Equal(y.ToArray(), loaded.Predict(x).ToArray());
                Assert.Equal("mish", (string)loaded.Layers[0].GetConfig()["activation"]!);
            }
            finally { File.Delete(path); }
        }
    }
}
