using Graft.Initializers;
using Graft.Layers.Core;
using Graft.Layers.Normalization;
using Graft.Models;
using Graft.Saving;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Layers;

/// <summary>
/// SpectralNormalization against Keras's training step written out in float64 (power iteration,
/// W / σ assigned), its convergence to a unit spectral norm, inference leaving the kernel alone,
/// and its config and saved round trips. Gradients, shapes and ONNX come from the layer catalog.
/// </summary>
public class SpectralNormalizationTests
{
    private static double[] Normalize(double[] x)
    {
        double n = Math.Sqrt(Math.Max(x.Sum(v => v * v), 1e-14));
        return x.Select(v => v / n).ToArray();
    }

    [Fact]
    public void TrainingStepIsKerasPowerIterationAndDivision()
    {
        var dense = new Dense(3, biasInitializer: new Constant(0.1f));
        var sn = new SpectralNormalization(dense, powerIterations: 2);
        var x = GradCheck.Uniform([2, 4], 1);
        sn.Call(x);
        dense.SetWeights([GradCheck.Uniform([4, 3], 3, -2f, 2f), Tensor.FromArray([0.1f, -0.2f, 0.3f], 3)]);
        var w = dense.Weights[0].Value.ToArray().Select(v => (double)v).ToArray();   // (4, 3)
        var u = sn.Weights[0].Value.ToArray().Select(v => (double)v).ToArray();      // vector_u (1, 3)
        double[] v = [];
        for (int it = 0; it < 2; it++)
        {
            v = Normalize(Enumerable.Range(0, 4).Select(r => Enumerable.Range(0, 3).Sum(c => u[c] * w[r * 3 + c])).ToArray());
            u = Normalize(Enumerable.Range(0, 3).Select(c => Enumerable.Range(0, 4).Sum(r => v[r] * w[r * 3 + c])).ToArray());
        }
        double sigma = Enumerable.Range(0, 3).Sum(c => Enumerable.Range(0, 4).Sum(r => v[r] * w[r * 3 + c]) * u[c]);
        var y = sn.Call(x, training: true);
        Assertions.Close(w.Select(e => (float)(e / sigma)).ToArray(), dense.Weights[0].Value.ToArray(), 1e-5f);
        Assertions.Close(u.Select(e => (float)e).ToArray(), sn.Weights[0].Value.ToArray(), 1e-5f);
        // The output is the layer on the normalized kernel.
        Assertions.Close(dense.Call(x), y, 1e-6f);
        // Inference leaves the kernel as it is.
        var kept = dense.Weights[0].Value.ToArray();
        sn.Call(x);
        Assert.Equal(kept, dense.Weights[0].Value.ToArray());
    }

    [Fact]
    public void RepeatedTrainingCallsGiveAUnitSpectralNorm()
    {
        var dense = new Dense(3);
        var sn = new SpectralNormalization(dense);
        var x = GradCheck.Uniform([2, 5], 1);
        sn.Call(x);
        dense.SetWeights([GradCheck.Uniform([5, 3], 5, -3f, 3f), Tensor.Zeros(3)]);
        for (int i = 0; i < 40; i++) sn.Call(x, training: true);
        // The largest singular value of W (5, 3): √ of the largest eigenvalue of WᵀW, by many power steps.
        var w = dense.Weights[0].Value.ToArray().Select(v => (double)v).ToArray();
        var g = new double[9];
        for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) g[a * 3 + b] = Enumerable.Range(0, 5).Sum(r => w[r * 3 + a] * w[r * 3 + b]);
        double[] e = [1, 1, 1];
        double lambda = 0;
        for (int i = 0; i < 500; i++)
        {
            var next = Enumerable.Range(0, 3).Select(a => Enumerable.Range(0, 3).Sum(b => g[a * 3 + b] * e[b])).ToArray();
            lambda = Math.Sqrt(next.Sum(t => t * t));
            e = next.Select(t => t / lambda).ToArray();
        }
        Assert.Equal(1.0, Math.Sqrt(lambda), 3);
    }

    [Fact]
    public void ConfigSavesAndErrors()
    {
        var x = Keras.Input([4]);
        var model = new Model(x, new SpectralNormalization(new Dense(2, name: "inner"), powerIterations: 3, name: "sn").Call(x));
        model.Call(GradCheck.Uniform([2, 4], 2), training: true);
        var input = GradCheck.Uniform([3, 4], 4);
        var expected = model.Predict(input, verbose: 0).ToArray();
        foreach (var ext in new[] { ".keras", ".h5" })
        {
            string path = Path.Combine(Path.GetTempPath(), $"graft-{Guid.NewGuid():N}{ext}");
            try
            {
                model.Save(path);
                var loaded = Model.Load(path);
                var sn = Assert.IsType<SpectralNormalization>(loaded.GetLayer("sn"));
                Assert.Equal(3, sn.PowerIterations);
                Assert.Equal(expected, loaded.Predict(input, verbose: 0).ToArray());
                Assert.Equal(model.GetLayer("sn").Weights[0].Value.ToArray(), sn.Weights[0].Value.ToArray());
            }
            finally { File.Delete(path); }
        }
        var config = model.GetLayer("sn").GetConfig();
        Assert.Equal(3, (int)config["power_iterations"]!);
        Assert.Equal("Dense", (string)config["layer"]!["class_name"]!);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpectralNormalization(new Dense(2), powerIterations: 0));
        var e = Assert.Throws<ArgumentException>(() => new SpectralNormalization(new Graft.Layers.Normalization.LayerNormalization(), name: "s").Call(Tensor.Ones(2, 3)));
        Assert.Contains("SpectralNormalization 's'", e.Message);
        Assert.Contains("kernel", e.Message);
    }
}
