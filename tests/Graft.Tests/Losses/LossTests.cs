using Graft.Losses;
using Graft.Tensors;

namespace Graft.Tests.Losses;

/// <summary>Loss values computed by hand from Keras's definitions.</summary>
public class LossTests
{
    private static Tensor T(params float[] v) => Tensor.FromArray(v, v.Length);
    private static Tensor M(int rows, params float[] v) => Tensor.FromArray(v, rows, v.Length / rows);

    [Fact]
    public void BinaryCrossentropy()
    {
        var y = M(2, 1, 0); var p = M(2, 0.8f, 0.3f);
        double expected = -(Math.Log(0.8) + Math.Log(0.7)) / 2;
        Assert.Equal(expected, Loss.Get("binary_crossentropy").Call(y, p).Item(), 5);
        // Targets without the trailing axis are accepted, as in Keras.
        Assert.Equal(expected, new BinaryCrossentropy().Call(T(1, 0), p).Item(), 5);
        // Label smoothing 0.2: targets 0.9 and 0.1.
        double smoothed = -((0.9 * Math.Log(0.8) + 0.1 * Math.Log(0.2)) + (0.1 * Math.Log(0.3) + 0.9 * Math.Log(0.7))) / 2;
        Assert.Equal(smoothed, new BinaryCrossentropy(labelSmoothing: 0.2f).Call(y, p).Item(), 5);
        var logits = M(2, 1.3862944f, -0.8472979f); // log(0.8/0.2), log(0.3/0.7)
        Assert.Equal(expected, new BinaryCrossentropy(fromLogits: true).Call(y, logits).Item(), 5);
    }

    [Fact]
    public void CategoricalAndSparse()
    {
        var p = M(2, 0.7f, 0.2f, 0.1f, 0.1f, 0.1f, 0.8f);
        double expected = -(Math.Log(0.7) + Math.Log(0.8)) / 2;
        Assert.Equal(expected, Loss.Get("categorical_crossentropy").Call(M(2, 1, 0, 0, 0, 0, 1), p).Item(), 5);
        Assert.Equal(expected, Loss.Get("sparse_categorical_crossentropy").Call(T(0, 2), p).Item(), 5);
        Assert.Equal(expected, Loss.Get("sparse_categorical_crossentropy").Call(M(2, 0, 2), p).Item(), 5);
        // Smoothing 0.3 over 3 classes: 0.8 for the true class, 0.1 elsewhere.
        double s = -((0.8 * Math.Log(0.7) + 0.1 * Math.Log(0.2) + 0.1 * Math.Log(0.1)) + (0.1 * Math.Log(0.1) + 0.1 * Math.Log(0.1) + 0.8 * Math.Log(0.8))) / 2;
        Assert.Equal(s, new CategoricalCrossentropy(labelSmoothing: 0.3f).Call(M(2, 1, 0, 0, 0, 0, 1), p).Item(), 5);
    }

    [Fact]
    public void RegressionAndMarginLosses()
    {
        var y = M(2, 1, 2, 3, 4); var p = M(2, 1.5f, 2, 1, 4);
        Assert.Equal((0.25 / 2 + 4.0 / 2) / 2, Loss.Get("mse").Call(y, p).Item(), 5);
        Assert.Equal((0.5 / 2 + 2.0 / 2) / 2, Loss.Get("mae").Call(y, p).Item(), 5);
        // Huber δ=1: errors 0.5 → 0.125, 0 → 0, 2 → 1.5, 0 → 0.
        Assert.Equal((0.125 / 2 + 1.5 / 2) / 2, Loss.Get("huber").Call(y, p).Item(), 5);
        // Hinge with 0/1 targets mapped to −1/1: max(1 − y·p, 0).
        Assert.Equal((Math.Max(1 - 0.3, 0) + Math.Max(1 + (-0.5), 0)) / 2, Loss.Get("hinge").Call(M(2, 1, 0), M(2, 0.3f, -0.5f)).Item(), 5);
        var t = M(1, 0.5f, 0.5f); var q = M(1, 0.25f, 0.75f);
        Assert.Equal(0.5 * Math.Log(2) + 0.5 * Math.Log(0.5 / 0.75), Loss.Get("kl_divergence").Call(t, q).Item(), 5);
    }

    [Fact]
    public void TargetsThatDoNotFitTheLossAreExplained()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SparseCategoricalCrossentropy().Validate(T(0, 9), new Shape(2, 8)));
        Assert.Equal("SparseCategoricalCrossentropy: expected integer class ids in [0, 7] for 8 outputs, got 9 (target 1).", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new CategoricalCrossentropy().Validate(M(2, 0, 1), new Shape(2, 8)));
        Assert.Contains("expected one-hot targets of shape (None, 8), got (2, 1)", ex.Message);
        Assert.Contains("use sparse_categorical_crossentropy", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => new BinaryCrossentropy().Validate(T(0, 3), new Shape(2, 1)));
        Assert.Contains("expected targets in [0, 1], got 3", ex.Message);
        Assert.Contains("expected one of binary_crossentropy", Assert.Throws<ArgumentException>(() => Loss.Get("crossentropy")).Message);
    }
}
