using Graft.Autograd;
using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Layers.Reshaping;
using Graft.Losses;
using Graft.Models;
using Graft.Optimizers;
using Graft.Tensors;
using Graft.Tensors.Kernels;

namespace Graft.Tests.Tensors;

/// <summary>
/// Results do not depend on how many threads the kernels run on: the same seed gives bitwise the
/// same numbers under 1, 2, 3 or 4 threads. The worker pool honours counts above the machine's
/// core count, so each count really splits the work differently, even on a 2-core machine.
/// </summary>
public class DeterminismTests
{
    private static readonly int[] ThreadCounts = [1, 2, 3, 4];

    /// <summary>Runs <paramref name="run"/> once per thread count and checks every result equals the first, bit for bit.</summary>
    private static void AssertSameForEveryThreadCount(Func<IReadOnlyList<Tensor>> run)
    {
        IReadOnlyList<float[]>? reference = null;
        foreach (int threads in ThreadCounts)
        {
            List<float[]> results;
            using (new GraftContext { Threads = threads }.Use()) results = run().Select(t => t.ToArray()).ToList();
            if (reference is null) { reference = results; continue; }
            Assert.Equal(reference.Count, results.Count);
            for (int r = 0; r < results.Count; r++)
                AssertBitwiseEqual(reference[r], results[r], $"result {r} under {threads} threads against {ThreadCounts[0]}");
        }
    }

    private static void AssertBitwiseEqual(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        int differing = 0, first = -1;
        double maxDiff = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i])) continue;
            differing++;
            if (first < 0) first = i;
            maxDiff = Math.Max(maxDiff, Math.Abs((double)expected[i] - actual[i]));
        }
        Assert.True(differing == 0,
            $"{what}: expected bitwise equal values, got {differing} of {expected.Length} differing (max |diff| {maxDiff:G3}; " +
            $"first at {first}: {(first < 0 ? 0 : expected[first]):R} vs {(first < 0 ? 0 : actual[first]):R}).");
    }

    [Theory]
    [InlineData(9, 32, 21632, true, false)]   // a first conv layer's kernel gradient: patchesᵀ · dY over a batch of 32
    [InlineData(288, 64, 7744, true, false)]  // a second conv layer's kernel gradient
    [InlineData(20, 64, 1024, true, false)]   // a Dense kernel gradient over a batch of 1024
    [InlineData(20, 20, 3000, false, true)]
    [InlineData(48, 40, 1500, false, false)]
    [InlineData(100, 70, 300, false, false)]  // no split along K: rows split between threads, remainder strips included
    [InlineData(30, 700, 200, false, false)]  // columns split between threads
    public void GemmIsIdenticalForAnyThreadCount(int m, int n, int k, bool ta, bool tb)
    {
        var a = Tensor.RandomUniform(ta ? [k, m] : [m, k], -1, 1, new Generator(1));
        var b = Tensor.RandomUniform(tb ? [n, k] : [k, n], -1, 1, new Generator(2));
        AssertSameForEveryThreadCount(() => [Ops.MatMul(a, b, ta, tb)]);
    }

    [Fact]
    public void ConvGradientsAreIdenticalForAnyThreadCount()
    {
        var x = Tensor.RandomNormal([32, 16, 16, 8], generator: new Generator(1));
        var k = Tensor.RandomNormal([3, 3, 8, 16], 0, 0.2f, new Generator(2));
        var bias = Tensor.RandomNormal([16], 0, 0.1f, new Generator(3));
        var r = Tensor.RandomUniform([32, 14, 14, 16], -1, 1, new Generator(4));
        var relu = Graft.Activations.ActivationFunction.Get("relu");
        AssertSameForEveryThreadCount(() =>
        {
            foreach (var t in new[] { x, k, bias }) { t.RequiresGrad = true; t.ZeroGrad(); }
            Ops.Sum(Ops.Multiply(Ops.Conv2D(x, k, bias, relu), r)).Backward();
            return [k.Grad!, bias.Grad!, x.Grad!];
        });
    }

    [Fact]
    public void BatchStatisticsAreIdenticalForAnyThreadCount()
    {
        // Batch normalization's mean and variance sum over N·H·W rows of a narrow matrix.
        var x = Tensor.RandomNormal([64, 26, 26, 32], 1, 2, new Generator(5));
        AssertSameForEveryThreadCount(() =>
        {
            var (mean, variance) = Ops.Moments(x, [0, 1, 2]);
            return [mean, variance, Ops.Sum(x, [0, 1, 2])];
        });
    }

    [Fact]
    public void TrainedCnnWeightsAreIdenticalForAnyThreadCount()
    {
        var g = new Generator(11);
        var x = Tensor.RandomNormal([256, 28, 28, 1], generator: g);
        var y = Tensor.FromArray(Enumerable.Range(0, 256).Select(_ => (float)g.NextInt(10)).ToArray(), 256);
        AssertSameForEveryThreadCount(() =>
        {
            GraftContext.Current.SetSeed(42);
            var model = new Sequential([
                new Conv2D(16, [3, 3], activation: "relu", inputShape: [28, 28, 1]),
                new BatchNormalization(),
                new MaxPooling2D([2, 2]),
                new Conv2D(32, [3, 3], activation: "relu"),
                new MaxPooling2D([2, 2]),
                new Flatten(),
                new Dense(10),
            ]);
            model.Compile(new SparseCategoricalCrossentropy(fromLogits: true), new Adam(1e-3));
            model.Fit(x, y, batchSize: 64, epochs: 2, verbose: 0);
            return model.GetWeights();
        });
    }

    [Fact]
    public void TrainedMlpWeightsAreIdenticalForAnyThreadCount()
    {
        var g = new Generator(12);
        var x = Tensor.RandomNormal([4096, 20], generator: g);
        var y = Tensor.FromArray(Enumerable.Range(0, 4096).Select(_ => (float)g.NextInt(2)).ToArray(), 4096, 1);
        AssertSameForEveryThreadCount(() =>
        {
            GraftContext.Current.SetSeed(42);
            var model = new Sequential([
                new Dense(64, activation: "relu", inputShape: [20]),
                new Dense(32, activation: "relu"),
                new Dense(1, activation: "sigmoid"),
            ]);
            model.Compile(new BinaryCrossentropy(), new SGD(1e-2, momentum: 0.9));
            model.Fit(x, y, batchSize: 1024, epochs: 3, verbose: 0);
            return model.GetWeights();
        });
    }
}
