using Graft.Autograd;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Autograd;

/// <summary>Activation values against the formulas of keras/src/activations/activations.py, computed in float64.</summary>
public class ActivationValueTests
{
    private static readonly float[] X = [-3f, -1.5f, -0.2f, 0f, 0.3f, 1f, 2.5f, 4f];

    private static void Expect(Func<double, double> f, Tensor y, float tol = 2e-6f) =>
        Assertions.Close(X.Select(v => (float)f(v)).ToArray(), y, tol);

    private static Tensor In => Tensor.FromArray(X, X.Length);

    private static double Erf(double x)
    {
        // Abramowitz–Stegun 7.1.28-free reference: integrate exp(-t²) with Simpson's rule (fine for the test).
        int n = 2000; double h = x / n, s = 0;
        for (int i = 0; i <= n; i++) { double t = i * h, w = i == 0 || i == n ? 1 : i % 2 == 1 ? 4 : 2; s += w * Math.Exp(-t * t); }
        return 2 / Math.Sqrt(Math.PI) * s * h / 3;
    }

    [Fact] public void Relu() => Expect(v => Math.Max(v, 0), Ops.Relu(In));
    [Fact] public void ReluWithAllOptions() => Expect(v => v >= 2 ? 2 : v >= 0.5 ? v : 0.1 * (v - 0.5), Ops.Relu(In, 0.1f, 2f, 0.5f));
    [Fact] public void LeakyRelu() => Expect(v => v >= 0 ? v : 0.2 * v, Ops.LeakyRelu(In));
    [Fact] public void Elu() => Expect(v => v > 0 ? v : Math.Exp(v) - 1, Ops.Elu(In));

    [Fact]
    public void EluAlphaTravelsWithEachCallEvenAcrossThreads()
    {
        // α is part of each call, not a setting: calls with different α on several threads at once
        // each get their own, in the vector lanes and in the scalar tail (11 = 8 + 3 elements).
        float[] x = [-3f, -1.5f, -0.2f, 0f, 0.3f, 1f, 2.5f, 4f, -0.7f, -2f, 0.1f];
        float[] alphas = [0.1f, 0.5f, 1f, 1.7f, 3f];
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            float alpha = alphas[i % alphas.Length];
            var y = Ops.Elu(Tensor.FromArray(x, x.Length), alpha).ToArray();
            for (int j = 0; j < x.Length; j++)
            {
                double expected = x[j] > 0 ? x[j] : alpha * (Math.Exp(x[j]) - 1);
                if (Math.Abs(y[j] - expected) > 2e-6 * Math.Max(1, Math.Abs(expected))) failures.Add($"alpha {alpha}, x {x[j]}: got {y[j]}, expected {expected}");
            }
        });
        Assert.Empty(failures);
    }
    [Fact] public void Selu() => Expect(v => 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * (Math.Exp(v) - 1)), Ops.Selu(In));
    [Fact] public void Gelu() => Expect(v => 0.5 * v * (1 + Erf(v / Math.Sqrt(2))), Ops.Gelu(In), 1e-6f);
    [Fact] public void GeluApproximate() => Expect(v => 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))), Ops.Gelu(In, approximate: true));
    [Fact] public void Sigmoid() => Expect(v => 1 / (1 + Math.Exp(-v)), Ops.Sigmoid(In));
    [Fact] public void HardSigmoid() => Expect(v => Math.Clamp(v / 6 + 0.5, 0, 1), Ops.HardSigmoid(In));
    [Fact] public void Tanh() => Expect(Math.Tanh, Ops.Tanh(In));
    [Fact] public void Softplus() => Expect(v => Math.Log(1 + Math.Exp(v)), Ops.Softplus(In));
    [Fact] public void Softsign() => Expect(v => v / (1 + Math.Abs(v)), Ops.Softsign(In));
    [Fact] public void Silu() => Expect(v => v / (1 + Math.Exp(-v)), Ops.Silu(In));
    [Fact] public void Exponential() => Expect(Math.Exp, Ops.Exponential(In));
    [Fact] public void Linear() => Expect(v => v, Ops.Linear(In));

    [Fact]
    public void SoftmaxAndLogSoftmax()
    {
        double z = X.Sum(v => Math.Exp(v));
        Expect(v => Math.Exp(v) / z, Ops.Softmax(In));
        Expect(v => v - Math.Log(z), Ops.LogSoftmax(In), 1e-5f);
        var big = Ops.Softmax(Tensor.FromArray([1000f, 1000f], 2));  // stable: no overflow
        Assert.Equal([0.5f, 0.5f], big.ToArray());
        var cols = Ops.Softmax(Tensor.FromArray([1, 2, 3, 4], 2, 2), axis: 0);
        Assertions.Close([0.11920292f, 0.11920292f, 0.8807971f, 0.8807971f], cols);
    }

    [Fact]
    public void CrossEntropyHelpers()
    {
        var t = Tensor.FromArray([1, 0], 2);
        var p = Tensor.FromArray([0.9f, 0.2f], 2);
        Assertions.Close([(float)-Math.Log(0.9), (float)-Math.Log(0.8)], Ops.BinaryCrossEntropy(t, p));
        // Clamped: p = 0 with target 1 gives −log(1e−7), not infinity.
        Assertions.Close([16.118095f], Ops.BinaryCrossEntropy(Tensor.FromArray([1], 1), Tensor.FromArray([0], 1)), 1e-4f);
        var logits = Tensor.FromArray([100f, -100f], 2);
        Assertions.Close([0f, 0f], Ops.BinaryCrossEntropy(t, logits, fromLogits: true));
        var probs = Tensor.FromArray([0.7f, 0.2f, 0.1f], 1, 3);
        Assertions.Close([(float)-Math.Log(0.2)], Ops.SparseCategoricalCrossEntropy(Tensor.FromArray([1], 1), probs));
        Assertions.Close([(float)-Math.Log(0.7)], Ops.CategoricalCrossEntropy(Tensor.FromArray([1, 0, 0], 1, 3), probs));
    }
}
