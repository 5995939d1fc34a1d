using Graft.Losses;
using Graft.Tensors;
using Graft.Training;

namespace Graft.Tests.Losses;

/// <summary>
/// The examples in the class docstrings of Keras 3's keras/src/losses/losses.py that
/// <see cref="KerasLossTests"/> does not already reproduce, to the digits the docstrings print:
/// the plain regression losses, binary and categorical cross-entropy with every reduction, and each
/// docstring's <c>sample_weight</c> call. A loss with sample weights is what <c>Fit</c> computes
/// (Keras's "sum_over_batch_size": the weighted values summed over their count), so those cases run
/// through the trainer's weighted loss.
/// </summary>
public class KerasDocstringLossTests
{
    private static Tensor T(params float[] v) => Tensor.FromArray(v, v.Length);
    private static Tensor M(int rows, params float[] v) => Tensor.FromArray(v, rows, v.Length / rows);

    private static void Near(float[] expected, Tensor actual, double tolerance)
    {
        float[] a = actual.ToArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - a[i]) <= tolerance, $"value {i}: expected {expected[i]}, got {a[i]}");
    }

    /// <summary>
    /// A value as a docstring prints it: some are rounded to their digits and some cut (0.8654 for
    /// 0.86546, 0.243 for 0.24364), so the value must lie within one unit of the last digit printed.
    /// </summary>
    private static void Printed(double printed, int digits, double actual) =>
        Assert.True(Math.Abs(actual - printed) < Math.Pow(10, -digits), $"expected {printed} to {digits} digits, got {actual}");

    private static double Weighted(Loss loss, Tensor y, Tensor p, params float[] weights) =>
        Trainer.WeightedLoss(loss, y, p, T(weights)).Item();

    [Fact]
    public void MeanSquaredAndAbsoluteErrors()
    {
        // MeanSquaredError: loss([1, 0, 1], [0.9, 0.1, 0.8]) = 0.02.
        Assert.Equal(0.02, new MeanSquaredError().Call(T(1, 0, 1), T(0.9f, 0.1f, 0.8f)).Item(), 6);
        // MeanAbsoluteError: loss([1, 0.3, 1], [1.9, 0.3, 1.8]) = 0.5666667.
        Assert.Equal(0.5666667, new MeanAbsoluteError().Call(T(1, 0.3f, 1), T(1.9f, 0.3f, 1.8f)).Item(), 6);
    }

    [Fact]
    public void BinaryCrossentropyFromLogits()
    {
        // Example 1, one sample of four values.
        Printed(0.8654, 4, new BinaryCrossentropy(fromLogits: true).Call(T(0, 1, 0, 0), T(-18.6f, 0.51f, 2.94f, -12.8f)).Item());
        // Example 2, a batch of two.
        var y = M(2, 0, 1, 0, 0); var z = M(2, -18.6f, 0.51f, 2.94f, -12.8f);
        Printed(0.8654, 4, new BinaryCrossentropy(fromLogits: true).Call(y, z).Item());
        Printed(0.243, 3, Weighted(new BinaryCrossentropy(fromLogits: true), y, z, 0.8f, 0.2f));
        Printed(1.730, 3, new BinaryCrossentropy(fromLogits: true) { Reduction = "sum" }.Call(y, z).Item());
        Near([0.235f, 1.496f], new BinaryCrossentropy(fromLogits: true) { Reduction = "none" }.Call(y, z), 1e-3);
    }

    [Fact]
    public void CategoricalCrossentropyReductionsAndWeights()
    {
        var y = M(2, 0, 1, 0, 0, 0, 1); var p = M(2, 0.05f, 0.95f, 0, 0.1f, 0.8f, 0.1f);
        Assert.Equal(1.177, new CategoricalCrossentropy().Call(y, p).Item(), 3);
        Assert.Equal(0.814, Weighted(new CategoricalCrossentropy(), y, p, 0.3f, 0.7f), 3);
        Assert.Equal(2.354, new CategoricalCrossentropy { Reduction = "sum" }.Call(y, p).Item(), 3);
        Near([0.0513f, 2.303f], new CategoricalCrossentropy { Reduction = "none" }.Call(y, p), 1e-3);
        // SparseCategoricalCrossentropy's docstring: the same case with ids [1, 2].
        Assert.Equal(0.814, Weighted(new SparseCategoricalCrossentropy(), T(1, 2), p, 0.3f, 0.7f), 3);
        // CategoricalFocalCrossentropy's docstring: sample_weight [0.3, 0.7] gives 0.1632.
        Assert.Equal(0.1632, Weighted(new CategoricalFocalCrossentropy(), y, p, 0.3f, 0.7f), 4);
    }

    [Fact]
    public void BinaryFocalCrossentropyWithSampleWeights()
    {
        // Example 2 with sample_weight [0.8, 0.2]: 0.133, and 0.097 with class balancing.
        var y = M(2, 0, 1, 0, 0); var z = M(2, -18.6f, 0.51f, 2.94f, -12.8f);
        Assert.Equal(0.133, Weighted(new BinaryFocalCrossentropy(gamma: 3, fromLogits: true), y, z, 0.8f, 0.2f), 3);
        Assert.Equal(0.097, Weighted(new BinaryFocalCrossentropy(applyClassBalancing: true, gamma: 3, fromLogits: true), y, z, 0.8f, 0.2f), 3);
    }

    [Fact]
    public void HingeFamilyEveryReduction()
    {
        // keras/src/losses/losses_test.py, HingeTest / SquaredHingeTest / CategoricalHingeTest.test_unweighted:
        // y_true [[0, 1], [0, 0]], y_pred [[0.6, 0.4], [0.4, 0.6]].
        var y = M(2, 0, 1, 0, 0); var p = M(2, 0.6f, 0.4f, 0.4f, 0.6f);
        Assert.Equal(2.6, new Hinge { Reduction = "sum" }.Call(y, p).Item(), 3);
        Near([1.1f, 1.5f], new Hinge { Reduction = "none" }.Call(y, p), 1e-5);
        Assert.Equal(3.72, new SquaredHinge { Reduction = "sum" }.Call(y, p).Item(), 3);
        Near([1.46f, 2.26f], new SquaredHinge { Reduction = "none" }.Call(y, p), 1e-5);
        Assert.Equal(2.8, new CategoricalHinge { Reduction = "sum" }.Call(y, p).Item(), 3);
        Near([1.2f, 1.6f], new CategoricalHinge { Reduction = "none" }.Call(y, p), 1e-5);
    }

    [Fact]
    public void CosineSimilarityOfLossesTest()
    {
        // losses_test.py's CosineSimilarityTest: y_true [[1, 9, 2], [-5, -2, 6]], y_pred [[4, 8, 12], [8, 1, 3]];
        // the loss is minus the cosine of each row pair, averaged.
        float[] a = [1, 9, 2, -5, -2, 6], b = [4, 8, 12, 8, 1, 3];
        double Cos(int r) => Enumerable.Range(0, 3).Sum(i => (double)a[r * 3 + i] * b[r * 3 + i])
            / Math.Sqrt(Enumerable.Range(0, 3).Sum(i => (double)a[r * 3 + i] * a[r * 3 + i]) * Enumerable.Range(0, 3).Sum(i => (double)b[r * 3 + i] * b[r * 3 + i]));
        Near([(float)-Cos(0), (float)-Cos(1)], new CosineSimilarity { Reduction = "none" }.Call(M(2, a), M(2, b)), 1e-6);
        Assert.Equal(-(Cos(0) + Cos(1)) / 2, new CosineSimilarity().Call(M(2, a), M(2, b)).Item(), 5);
    }
}
