using Graft.Autograd;
using Graft.Losses;
using Graft.Tensors;
using Graft.Tests.Testing;

namespace Graft.Tests.Losses;

/// <summary>
/// The losses against the values Keras 3 documents for them: the examples in the docstrings of
/// keras/src/losses/losses.py and the cases of its losses_test.py (to the digits Keras gives), every
/// reduction, <c>ignore_class</c>, and gradients against the float64 reference.
/// </summary>
public class KerasLossTests
{
    private static Tensor T(params float[] v) => Tensor.FromArray(v, v.Length);
    private static Tensor M(int rows, params float[] v) => Tensor.FromArray(v, rows, v.Length / rows);
    private static float[] Values(Tensor t) => t.ToArray();

    private static void Near(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"value {i}: expected {expected[i]}, got {actual[i]}");
    }

    // losses_test.py's shared case for the regression losses.
    private static Tensor RegTrue => M(2, 1, 9, 2, -5, -2, 6);
    private static Tensor RegPred => M(2, 4, 8, 12, 8, 1, 3);

    [Fact]
    public void PercentageAndLogarithmicErrors()
    {
        Assert.Equal(6.111111, new MeanAbsolutePercentageError().Call(T(100, 200, 300), T(90, 210, 310)).Item(), 4);
        Assert.Equal(211.8518, Loss.Get("mape").Call(RegTrue, RegPred).Item(), 3);
        Assert.Equal(1.4370, Loss.Get("msle").Call(RegTrue, RegPred).Item(), 3);
        Assert.IsType<MeanSquaredLogarithmicError>(Loss.Get("mean_squared_logarithmic_error"));
        Assert.IsType<MeanAbsolutePercentageError>(Loss.Get("MAPE"));
    }

    [Fact]
    public void HingeFamily()
    {
        var y = M(2, 0, 1, 0, 0); var p = M(2, 0.6f, 0.4f, 0.4f, 0.6f);
        Assert.Equal(1.3, Loss.Get("hinge").Call(y, p).Item(), 3);
        Assert.Equal(1.86, Loss.Get("squared_hinge").Call(y, p).Item(), 3);
        Assert.Equal(1.4, Loss.Get("categorical_hinge").Call(y, p).Item(), 3);
        // −1/1 targets stay as they are.
        Assert.Equal((Math.Pow(1 - 0.6, 2) + Math.Pow(1 + 0.4, 2)) / 2, new SquaredHinge().Call(M(1, 1, -1), M(1, 0.6f, 0.4f)).Item(), 5);
    }

    [Fact]
    public void CosineSimilarityAndLogCosh()
    {
        var cs = new CosineSimilarity { Reduction = "none" }.Call(M(3, 0, 1, 1, 1, 1, 1), M(3, 1, 0, 1, 1, -1, -1));
        Near(new[] { 0f, -0.99999994f, 0.99999994f }, Values(cs), 1e-6);
        // A zero vector gives 0, not NaN.
        Assert.Equal(0f, new CosineSimilarity().Call(M(1, 0, 0), M(1, 1, 2)).Item());
        Assert.Equal(0.108, Loss.Get("log_cosh").Call(M(2, 0, 1, 0, 0), M(2, 1, 1, 0, 0)).Item(), 3);
        // Large errors do not overflow: log cosh(200) = 200 − log 2.
        Assert.Equal(200 - Math.Log(2), new LogCosh().Call(M(1, 0), M(1, 200)).Item(), 3);
    }

    [Fact]
    public void BinaryFocalCrossentropyDocstring()
    {
        var y = M(1, 0, 1, 0, 0); var z = M(1, -18.6f, 0.51f, 2.94f, -12.8f);
        Assert.Equal(0.691, new BinaryFocalCrossentropy(gamma: 2, fromLogits: true).Call(y, z).Item(), 3);
        Assert.Equal(0.51, new BinaryFocalCrossentropy(applyClassBalancing: true, gamma: 2, fromLogits: true).Call(y, z).Item(), 3);
        var y2 = M(2, 0, 1, 0, 0); var z2 = M(2, -18.6f, 0.51f, 2.94f, -12.8f);
        Assert.Equal(0.647, new BinaryFocalCrossentropy(gamma: 3, fromLogits: true).Call(y2, z2).Item(), 3);
        Assert.Equal(0.482, new BinaryFocalCrossentropy(applyClassBalancing: true, gamma: 3, fromLogits: true).Call(y2, z2).Item(), 3);
        Assert.Equal(1.222, new BinaryFocalCrossentropy(gamma: 4, fromLogits: true) { Reduction = "sum" }.Call(y2, z2).Item(), 3);
        Assert.Equal(0.914, new BinaryFocalCrossentropy(applyClassBalancing: true, gamma: 4, fromLogits: true) { Reduction = "sum" }.Call(y2, z2).Item(), 3);
        Near(new[] { 0.0017f, 1.1561f }, Values(new BinaryFocalCrossentropy(gamma: 5, fromLogits: true) { Reduction = "none" }.Call(y2, z2)), 1e-4);
        Near(new[] { 0.0004f, 0.8670f }, Values(new BinaryFocalCrossentropy(applyClassBalancing: true, gamma: 5, fromLogits: true) { Reduction = "none" }.Call(y2, z2)), 1e-4);
        Assert.Equal(0.268, new BinaryFocalCrossentropy(gamma: 2).Call(M(2, 1, 0, 1, 0), M(2, 0.9f, 0.8f, 0.7f, 0.2f)).Item(), 3);
        // γ = 0 is binary cross-entropy.
        Assert.Equal(new BinaryCrossentropy().Call(y2, M(2, 0.3f, 0.6f, 0.9f, 0.2f)).Item(), new BinaryFocalCrossentropy(gamma: 0).Call(y2, M(2, 0.3f, 0.6f, 0.9f, 0.2f)).Item(), 6);
    }

    [Fact]
    public void CategoricalFocalCrossentropyDocstring()
    {
        var y = M(2, 0, 1, 0, 0, 0, 1); var p = M(2, 0.05f, 0.95f, 0, 0.1f, 0.8f, 0.1f);
        Assert.Equal(0.23315276, Loss.Get("categorical_focal_crossentropy").Call(y, p).Item(), 5);
        Assert.Equal(0.46631, new CategoricalFocalCrossentropy { Reduction = "sum" }.Call(y, p).Item(), 4);
        Near(new[] { 3.2058331e-05f, 4.6627346e-01f }, Values(new CategoricalFocalCrossentropy { Reduction = "none" }.Call(y, p)), 1e-6);
        var y3 = M(3, 1, 0, 0, 0, 1, 0, 0, 0, 1);
        Assert.Equal(0.02059, new CategoricalFocalCrossentropy().Call(y3, M(3, 0.9f, 0.05f, 0.05f, 0.5f, 0.89f, 0.6f, 0.05f, 0.01f, 0.94f)).Item(), 3);
    }

    [Fact]
    public void SparseCategoricalCrossentropyReductionsAndIgnoreClass()
    {
        var ids = T(1, 2); var p = M(2, 0.05f, 0.95f, 0, 0.1f, 0.8f, 0.1f);
        Assert.Equal(1.177, new SparseCategoricalCrossentropy().Call(ids, p).Item(), 3);
        Assert.Equal(2.354, new SparseCategoricalCrossentropy { Reduction = "sum" }.Call(ids, p).Item(), 3);
        Near(new[] { 0.0513f, 2.303f }, Values(new SparseCategoricalCrossentropy { Reduction = "none" }.Call(ids, p)), 1e-3);
        Near(new[] { 0.001822f, 0.000459f, 0.169846f },
            Values(new SparseCategoricalCrossentropy(fromLogits: true) { Reduction = "none" }.Call(M(3, 0, 1, 2), M(3, 8, 1, 1, 0, 9, 1, 2, 3, 5))), 1e-6);

        var logits = Tensor.FromArray([0.854f, 0.698f, 0.598f, 0.088f, 0.86f, 0.018f], 1, 2, 3);
        var ignoring = new SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: -1) { Reduction = "none" };
        Near(new[] { 0f, 1.480129f }, Values(ignoring.Call(M(1, -1, 2), logits)), 1e-5);
        Near(new[] { 0f, 1.480129f }, Values(ignoring.Call(Tensor.FromArray([-1f, 2], 1, 2, 1), logits)), 1e-5);
        // The mean counts only the values not ignored (Keras's mask weights), and the gradient skips them.
        var mean = new SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: -1);
        Assert.Equal(1.480129, mean.Call(M(1, -1, 2), logits).Item(), 5);
        Assert.Equal(1.480129, new SparseCategoricalCrossentropy(fromLogits: true, ignoreClass: -1) { Reduction = "mean" }.Call(M(1, -1, 2), logits).Item(), 5);
        Assert.Equal(0.0, mean.Call(M(1, -1, -1), logits).Item());
        var z = logits.Detach(); z.RequiresGrad = true;
        mean.Call(M(1, -1, 2), z).Backward();
        Assert.All(z.Grad!.ToArray()[..3], g => Assert.Equal(0f, g));
        Assert.Contains(z.Grad!.ToArray()[3..], g => g != 0f);
        mean.Validate(M(1, -1, 2), new Shape(1, 2, 3));
        Assert.Contains("or the ignored class -1, got 7", Assert.Throws<ArgumentException>(() => mean.Validate(M(1, 7, 2), new Shape(1, 2, 3))).Message);
        Assert.Throws<ArgumentException>(() => new SparseCategoricalCrossentropy().Validate(M(1, -1, 2), new Shape(1, 2, 3)));
    }

    [Fact]
    public void DiceAndTversky()
    {
        var y = M(2, 1, 2, 1, 2); var p = M(2, 4, 1, 6, 1);
        Assert.Equal(-0.55555546, Loss.Get("dice").Call(y, p).Item(), 5);
        Assert.Equal(-0.55555558, Loss.Get("tversky").Call(y, p).Item(), 5);
        Assert.Equal(-0.94444442, new Tversky(alpha: 0.2f, beta: 0.8f).Call(y, p).Item(), 5);
        var y4 = Tensor.FromArray([1f, 1, 0, 0, 1, 1, 0, 0], 2, 2, 2, 1);
        var p4 = Tensor.FromArray([0f, 1, 0, 1, 0.4f, 0, 0, 0.9f], 2, 2, 2, 1);
        var perImage = new Dice(axis: [1, 2, 3]) { Reduction = "none" }.Call(y4, p4);
        Assert.Equal([2], perImage.Shape.ToArray());
        Near(new[] { 0.5f, 0.75757575f }, Values(perImage), 1e-6);
        Assert.Equal(0.6164384, new Dice().Call(y4, p4).Item(), 5);
        // α = β = 0.5 is Dice.
        Near(Values(perImage), Values(new Tversky(axis: [1, 2, 3]) { Reduction = "none" }.Call(y4, p4)), 1e-6);
    }

    [Fact]
    public void PoissonByItsFormula()
    {
        var y = M(2, 4, 8, 12, 8, 1, 3); var p = M(2, 1, 9, 2, 5, 2, 6);
        float[] yt = Values(y), yp = Values(p);
        double expected = Enumerable.Range(0, 6).Average(i => yp[i] - yt[i] * Math.Log(yp[i] + 1e-7));
        Assert.Equal(expected, Loss.Get("poisson").Call(y, p).Item(), 4);
    }

    [Fact]
    public void ReductionsFollowKeras()
    {
        var y = RegTrue; var p = RegPred;
        var none = new MeanSquaredError { Reduction = "none" }.Call(y, p);
        Assert.Equal([2], none.Shape.ToArray());
        float[] v = Values(none);
        Assert.Equal(v.Sum(), new MeanSquaredError { Reduction = "sum" }.Call(y, p).Item(), 3);
        Assert.Equal(v.Average(), new MeanSquaredError { Reduction = "mean" }.Call(y, p).Item(), 4);
        Assert.Equal(v.Average(), new MeanSquaredError { Reduction = "mean_with_sample_weight" }.Call(y, p).Item(), 4);
        Assert.Equal(v.Average(), new MeanSquaredError().Call(y, p).Item(), 4);
        Assert.Equal("none", Loss.StandardizeReduction(null));
        Assert.Equal("sum_over_batch_size", Loss.StandardizeReduction("auto"));
        var ex = Assert.Throws<ArgumentException>(() => new MeanSquaredError { Reduction = "avg" });
        Assert.StartsWith("Loss: expected reduction \"sum_over_batch_size\", \"sum\", \"mean\", \"mean_with_sample_weight\" or \"none\", got \"avg\".", ex.Message);
    }

    [Fact]
    public void AnUnreducedLossTrainsOnItsMeanAsKerasCompiledLossDoes()
    {
        var x = Tensor.FromArray([0.5f, -1, 2, 0.3f, 1, 1], 3, 2);
        var y = Tensor.FromArray([1f, 0, 2], 3, 1);
        double Evaluate(Loss loss)
        {
            var model = new Graft.Models.Sequential([new Graft.Layers.Core.Dense(1, inputShape: [2], kernelInitializer: "ones")]);
            model.Compile(loss, "sgd");
            return model.Evaluate(x, y)["loss"];
        }
        double mean = Evaluate(new MeanSquaredError());
        Assert.Equal(mean, Evaluate(new MeanSquaredError { Reduction = "none" }), 5);
        Assert.Equal(mean * 3, Evaluate(new MeanSquaredError { Reduction = "sum" }), 4);
    }

    public static IEnumerable<object[]> Differentiable()
    {
        yield return [new BinaryFocalCrossentropy(applyClassBalancing: true, gamma: 2, fromLogits: true, labelSmoothing: 0.1f), false];
        yield return [new CategoricalFocalCrossentropy(gamma: 1.5f, fromLogits: true), false];
        yield return [new CategoricalHinge(), false];
        yield return [new SquaredHinge(), false];
        yield return [new CosineSimilarity(), false];
        yield return [new LogCosh(), false];
        yield return [new MeanAbsolutePercentageError(), true];
        yield return [new MeanSquaredLogarithmicError(), true];
        yield return [new Poisson(), true];
        yield return [new Dice(), true];
        yield return [new Tversky(0.3f, 0.7f, [1]), true];
    }

    [Theory]
    [MemberData(nameof(Differentiable))]
    public void GradientsMatchTheReference(Loss loss, bool positive)
    {
        // Targets are constants (made on the device the check runs on): the hinge losses read them to choose ±1 targets.
        float[] yTrue = positive ? GradCheck.Uniform([3, 4], 3, 0.2f, 2f).ToArray() : [1f, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1];
        var yPred = positive ? GradCheck.Uniform([3, 4], 5, 0.2f, 2f) : GradCheck.AwayFromZero([3, 4], 5);
        GradCheck.Check(x => loss.Call(Tensor.FromArray(yTrue, 3, 4), x[0]), [yPred]);
    }
}
