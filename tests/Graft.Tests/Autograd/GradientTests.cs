using Graft.Autograd;
using Graft.Tensors;
using static Graft.Tests.Testing.GradCheck;

namespace Graft.Tests.Autograd;

/// <summary>Finite-difference gradient checks, one per op (inputs and, where present, parameters).</summary>
public class GradientTests
{
    [Fact] public void Add_Broadcast() => Check(t => Ops.Add(t[0], t[1]), [Uniform([3, 4], 1), Uniform([4], 2)]);
    [Fact] public void Subtract_Broadcast() => Check(t => Ops.Subtract(t[0], t[1]), [Uniform([2, 3, 4], 1), Uniform([3, 1], 2)]);
    [Fact] public void Multiply_Broadcast() => Check(t => Ops.Multiply(t[0], t[1]), [Uniform([2, 3, 4], 1), Uniform([1, 4], 2)]);
    [Fact] public void Divide_Broadcast() => Check(t => Ops.Divide(t[0], t[1]), [Uniform([3, 4], 1), Uniform([3, 1], 2, 0.5f, 2f)]);
    [Fact] public void Power() => Check(t => Ops.Power(t[0], t[1]), [Uniform([3, 4], 1, 0.5f, 2f), Uniform([4], 2, -1f, 2f)]);
    [Fact] public void PowerScalar() => Check(t => Ops.Power(t[0], 3f), [Uniform([5], 1)]);
    [Fact] public void MaximumMinimum() => Check(t => Ops.Add(Ops.Maximum(t[0], t[1]), Ops.Minimum(t[0], t[1])), [Uniform([4, 5], 1), Uniform([4, 5], 2)]);
    [Fact] public void Where() => Check(t => Ops.Where(Ops.Greater(t[0], Tensor.Scalar(0f)), t[0], Ops.Multiply(t[1], 2f)), [AwayFromZero([3, 4], 1), Uniform([4], 2)]);
    [Fact] public void ScalarOps() => Check(t => (t[0] * 3f + 1f) / 2f - (1f - t[0]), [Uniform([6], 1)]);
    [Fact] public void UnaryMath() => Check(t => Ops.Add(Ops.Add(Ops.Exp(t[0]), Ops.Log(Ops.Abs(t[0]))), Ops.Add(Ops.Sqrt(Ops.Abs(t[0])), Ops.Reciprocal(t[0]))), [AwayFromZero([10], 3, 0.3f, 2f)]);
    [Fact] public void Square() => Check(t => Ops.Square(t[0]), [Uniform([7], 1)]);
    [Fact] public void Clip() => Check(t => Ops.Clip(t[0], -0.5f, 0.5f), [AwayFromZero([20], 5)]);

    [Theory]
    [InlineData("relu")] [InlineData("relu6")] [InlineData("leaky_relu")] [InlineData("relu_threshold")] [InlineData("elu")] [InlineData("selu")]
    [InlineData("gelu")] [InlineData("gelu_tanh")] [InlineData("sigmoid")] [InlineData("hard_sigmoid")] [InlineData("tanh")]
    [InlineData("softplus")] [InlineData("softsign")] [InlineData("silu")] [InlineData("exponential")]
    [InlineData("softmax")] [InlineData("log_softmax")] [InlineData("softmax_axis0")]
    [InlineData("celu")] [InlineData("glu")] [InlineData("glu_axis0")] [InlineData("hard_tanh")] [InlineData("hard_silu")]
    [InlineData("log_sigmoid")] [InlineData("mish")] [InlineData("soft_shrink")] [InlineData("hard_shrink")] [InlineData("tanh_shrink")]
    [InlineData("sparse_plus")] [InlineData("sparse_sigmoid")] [InlineData("squareplus")] [InlineData("threshold")]
    [InlineData("sparsemax")] [InlineData("sparsemax_axis0")]
    public void Activation(string name)
    {
        Func<Tensor, Tensor> f = name switch
        {
            "relu" => x => Ops.Relu(x),
            "relu6" => x => Ops.Relu(Ops.Multiply(x, 8f), maxValue: 6f),
            "leaky_relu" => x => Ops.LeakyRelu(x),
            "relu_threshold" => x => Ops.Relu(x, negativeSlope: 0.1f, threshold: 0.05f),
            "elu" => x => Ops.Elu(x, 0.7f),
            "selu" => Ops.Selu,
            "gelu" => x => Ops.Gelu(x),
            "gelu_tanh" => x => Ops.Gelu(x, approximate: true),
            "sigmoid" => Ops.Sigmoid,
            "hard_sigmoid" => x => Ops.HardSigmoid(Ops.Multiply(x, 4f)),
            "tanh" => Ops.Tanh,
            "softplus" => Ops.Softplus,
            "softsign" => Ops.Softsign,
            "silu" => Ops.Silu,
            "exponential" => Ops.Exponential,
            "softmax" => x => Ops.Softmax(x),
            "log_softmax" => x => Ops.LogSoftmax(x),
            "softmax_axis0" => x => Ops.Softmax(x, 0),
            "celu" => x => Ops.Celu(x, 0.6f),
            "glu" => x => Ops.Glu(x),
            "glu_axis0" => x => Ops.Glu(x, 0),
            "hard_tanh" => x => Ops.HardTanh(Ops.Multiply(x, 1.5f)),
            "hard_silu" => x => Ops.HardSilu(Ops.Multiply(x, 4f)),
            "log_sigmoid" => Ops.LogSigmoid,
            "mish" => Ops.Mish,
            "soft_shrink" => x => Ops.SoftShrink(x, 0.5f),
            "hard_shrink" => x => Ops.HardShrink(x, 0.5f),
            "tanh_shrink" => Ops.TanhShrink,
            "sparse_plus" => x => Ops.SparsePlus(Ops.Multiply(x, 1.5f)),
            "sparse_sigmoid" => x => Ops.SparseSigmoid(Ops.Multiply(x, 1.5f)),
            "squareplus" => x => Ops.Squareplus(x, 0.5f),
            "threshold" => x => Ops.Threshold(x, 0.5f, -2f),
            // Several values in the support and some outside, so τ depends on more than one input.
            "sparsemax" => x => Ops.Sparsemax(Ops.Multiply(x, 0.3f)),
            "sparsemax_axis0" => x => Ops.Sparsemax(Ops.Multiply(x, 0.3f), 0),
            _ => throw new ArgumentException(name),
        };
        // Inputs kept away from the kinks at 0, 0.05 (threshold), 0.75 (relu6 cap), ±0.75 (hard sigmoid
        // edges, and ±1 of hard_tanh, sparse_plus and sparse_sigmoid after their scaling) and ±0.5 (shrinks).
        var x = AwayFromZero([4, 6], name.Length, 0.12f, 2f);
        var d = x.Data;
        for (int i = 0; i < d.Length; i++)
        {
            if (Math.Abs(Math.Abs(d[i]) - 0.75f) < 0.05f) d[i] *= 1.2f;
            if (Math.Abs(Math.Abs(d[i]) - 0.5f) < 0.04f) d[i] *= 1.2f;
            if (Math.Abs(Math.Abs(d[i]) - 0.6667f) < 0.04f) d[i] *= 0.9f;
        }
        Check(t => f(t[0]), [x]);
    }

    [Fact] public void Sum_Axes() => Check(t => Ops.Sum(t[0], [0, 2]), [Uniform([2, 3, 4], 1)]);
    [Fact] public void Sum_KeepDims() => Check(t => Ops.Sum(t[0], [1], keepDims: true), [Uniform([2, 3, 4], 1)]);
    [Fact] public void Mean_All() => Check(t => Ops.Mean(t[0]), [Uniform([3, 5], 1)]);
    [Fact] public void MaxMin() => Check(t => Ops.Add(Ops.Max(t[0], [1]), Ops.Min(t[0], [1])), [Uniform([4, 5], 9)]);
    [Fact] public void Variance() => Check(t => Ops.Variance(t[0], [0]), [Uniform([6, 3], 1)]);
    [Fact] public void LogSumExp() => Check(t => Ops.LogSumExp(t[0], [1]), [Uniform([3, 5], 1, -3f, 3f)]);
    [Fact] public void Moments() => Check(t => { var (m, v) = Ops.Moments(t[0], [0, 1]); return Ops.Add(m, v); }, [Uniform([3, 4, 2], 1)]);

    [Fact] public void Reshape_Permute() => Check(t => Ops.Permute(Ops.Reshape(t[0], 2, 3, 4), 2, 0, 1), [Uniform([6, 4], 1)]);
    [Fact] public void Transpose() => Check(t => Ops.Transpose(t[0]), [Uniform([3, 5], 1)]);
    [Fact] public void Slicing() => Check(t => Ops.Add(t[0][1..3], t[0][^1]), [Uniform([4, 3], 1)]);
    [Fact] public void StepSlice() => Check(t => t[0].Slice(1, 0, 5, 2), [Uniform([2, 5], 1)]);

    /// <summary>A caller that reuses its start, size and step arrays after slicing must not move the slice's shape or gradient.</summary>
    [Fact]
    public void SliceKeepsItsOwnStartsAndSizes()
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 3, 4);
        x.RequiresGrad = true;
        int[] starts = [1, 1], sizes = [2, 2], steps = [1, 2];
        var y = Ops.Slice(x, starts, sizes, steps);
        starts[0] = 0; starts[1] = 0; sizes[0] = 3; steps[1] = 1;
        Assert.Equal([2, 2], y.Shape.ToArray());
        Assert.Equal([5f, 7f, 9f, 11f], y.ToArray());
        Ops.Sum(y).Backward();
        // Ones exactly where the slice read: rows 1–2, columns 1 and 3.
        Assert.Equal([0f, 0f, 0f, 0f, 0f, 1f, 0f, 1f, 0f, 1f, 0f, 1f], x.Grad!.ToArray());
    }
    [Fact] public void Gather() => Check(t => Ops.Gather(t[0], [2, 0, 2, 1], 0), [Uniform([3, 4], 1)]);
    [Fact] public void Gather_Axis1() => Check(t => Ops.Gather(t[0], [1, 1], 1), [Uniform([3, 4], 1)]);
    [Fact] public void Concatenate() => Check(t => Ops.Concatenate([t[0], t[1]], 1), [Uniform([2, 3], 1), Uniform([2, 2], 2)]);
    [Fact] public void Stack() => Check(t => Ops.Stack([t[0], t[1]], 1), [Uniform([2, 3], 1), Uniform([2, 3], 2)]);
    [Fact] public void Pad() => Check(t => Ops.Pad(t[0], [(1, 0), (0, 2)]), [Uniform([2, 3], 1)]);

    [Fact] public void MatMul() => Check(t => Ops.MatMul(t[0], t[1]), [Uniform([5, 7], 1), Uniform([7, 3], 2)]);
    [Fact] public void MatMul_Transposed() => Check(t => Ops.MatMul(t[0], t[1], transposeA: true, transposeB: true), [Uniform([7, 5], 1), Uniform([3, 7], 2)]);
    [Fact] public void MatMul_Batched() => Check(t => Ops.MatMul(t[0], t[1]), [Uniform([2, 4, 3], 1), Uniform([2, 3, 5], 2)]);
    [Fact] public void MatMul_BatchTimesMatrix() => Check(t => Ops.MatMul(t[0], t[1]), [Uniform([2, 4, 3], 1), Uniform([3, 5], 2)]);
    [Fact] public void MatMulAdd() => Check(t => Ops.MatMulAdd(t[0], t[1], t[2]), [Uniform([5, 7], 1), Uniform([7, 3], 2), Uniform([3], 3)]);
    [Fact] public void MatMulAdd_Batched() => Check(t => Ops.MatMulAdd(t[0], t[1], t[2]), [Uniform([2, 4, 7], 1), Uniform([7, 3], 2), Uniform([3], 3)]);
    [Theory]
    [InlineData("selu")] [InlineData("relu")] [InlineData("linear")] [InlineData("tanh")]
    public void FusedDense(string activation) =>
        Check(t => Ops.Dense(t[0], t[1], t[2], Graft.Activations.ActivationFunction.Get(activation)), [AwayFromZero([5, 40], 1, 0.05f), Uniform([40, 37], 2), Uniform([37], 3)]);
    [Fact] public void FusedDense_NoBias3d() => Check(t => Ops.Dense(t[0], t[1], null, Graft.Activations.ActivationFunction.Get("selu")), [Uniform([2, 3, 7], 1), Uniform([7, 5], 2)]);
    [Fact] public void MatMul_MatrixTimesBatch() => Check(t => Ops.MatMul(t[0], t[1]), [Uniform([4, 3], 1), Uniform([2, 3, 5], 2)]);

    [Theory]
    [InlineData(1, 1, "valid", 1, 1)]
    [InlineData(2, 2, "same", 1, 1)]
    [InlineData(1, 2, "same", 1, 1)]
    [InlineData(1, 1, "valid", 2, 1)]
    [InlineData(1, 1, "same", 1, 2)]
    [InlineData(2, 1, "valid", 1, 3)]
    public void Conv2D(int sh, int sw, string padding, int dil, int groups) =>
        Check(t => Ops.Conv2D(t[0], t[1], (sh, sw), padding, (dil, dil), groups), [Uniform([2, 6, 5, 3 * groups], 1), Uniform([3, 2, 3, 2 * groups], 2)]);

    [Theory]
    [InlineData("relu", 1)] [InlineData("selu", 1)] [InlineData("tanh", 1)] [InlineData("linear", 2)]
    public void Conv2D_FusedBiasAndActivation(string activation, int groups) =>
        Check(t => Ops.Conv2D(t[0], t[1], t[2], Graft.Activations.ActivationFunction.Get(activation), (1, 2), "same", null, groups),
            [AwayFromZero([2, 5, 4, 2 * groups], 1, 0.05f), Uniform([3, 3, 2, 3 * groups], 2), Uniform([3 * groups], 3)]);

    [Fact]
    public void Conv2D_FusedEqualsSeparateOps()
    {
        var x = Uniform([2, 9, 9, 8], 1); var k = Uniform([3, 3, 8, 16], 2); var b = Uniform([16], 3);
        var fused = Ops.Conv2D(x, k, b, Graft.Activations.ActivationFunction.Get("selu"), padding: "same");
        var separate = Ops.Selu(Ops.Add(Ops.Conv2D(x, k, padding: "same"), b));
        Graft.Tests.Testing.Assertions.Close(separate, fused, 1e-5f);
    }

    [Theory]
    [InlineData(1, "valid", 1)] [InlineData(3, "same", 2)] [InlineData(2, "same", 1)]
    public void Conv2D_FewChannelsDirectPath(int cin, string padding, int stride) =>
        Check(t => Ops.Conv2D(t[0], t[1], t[2], Graft.Activations.ActivationFunction.Get("tanh"), (stride, stride), padding),
            [Uniform([2, 6, 5, cin], 1), Uniform([3, 3, cin, 8], 2), Uniform([8], 3)]);

    [Fact]
    public void MaxPool2D_ExactTiling()
    {
        var x = Tensor.FromArray(new Generator(4).Permutation(2 * 4 * 6 * 3).Select(v => v * 0.05f).ToArray(), 2, 4, 6, 3);
        Check(t => Ops.MaxPool2D(t[0], (2, 3)), [x]);
    }

    [Fact] public void Conv2D_Pointwise() => Check(t => Ops.Conv2D(t[0], t[1]), [Uniform([2, 3, 3, 4], 1), Uniform([1, 1, 4, 5], 2)]);
    [Fact] public void DepthwiseConv2D() => Check(t => Ops.DepthwiseConv2D(t[0], t[1], padding: "same"), [Uniform([1, 5, 5, 3], 1), Uniform([3, 3, 3, 2], 2)]);

    [Theory]
    [InlineData(1, "valid")] [InlineData(2, "same")] [InlineData(2, "valid")] [InlineData(1, "causal")]
    public void Conv1D(int stride, string padding) =>
        Check(t => Ops.Conv1D(t[0], t[1], stride, padding, dilation: padding == "causal" ? 2 : 1), [Uniform([2, 8, 3], 1), Uniform([3, 3, 4], 2)]);

    [Theory]
    [InlineData(1, "valid")] [InlineData(2, "valid")] [InlineData(2, "same")] [InlineData(3, "same")]
    public void Conv2DTranspose(int stride, string padding) =>
        Check(t => Ops.Conv2DTranspose(t[0], t[1], (stride, stride), padding), [Uniform([2, 3, 4, 3], 1), Uniform([3, 3, 2, 3], 2)]);

    [Theory]
    [InlineData("valid", 2)] [InlineData("same", 2)] [InlineData("same", 1)]
    public void MaxPool2D(string padding, int stride)
    {
        // Distinct values so the winner of each window is unambiguous under ± eps.
        var x = Tensor.FromArray(new Generator(3).Permutation(2 * 5 * 5 * 3).Select(v => v * 0.05f).ToArray(), 2, 5, 5, 3);
        Check(t => Ops.MaxPool2D(t[0], (2, 2), (stride, stride), padding), [x]);
    }

    /// <summary>
    /// Max pooling over 19 channels (vectors of 8 and 4 lanes and a scalar tail) with windows that tile
    /// the input, that leave a border uncovered, that overlap, and that are clipped by padding.
    /// </summary>
    [Theory]
    [InlineData(2, 2, "valid", 6)] [InlineData(2, 2, "valid", 7)] [InlineData(3, 2, "valid", 7)] [InlineData(3, 2, "same", 6)] [InlineData(2, 3, "same", 7)]
    public void MaxPool2D_ManyChannels(int pool, int stride, string padding, int size)
    {
        var x = Tensor.FromArray(new Generator(8).Permutation(2 * size * size * 19).Select(v => v * 0.01f).ToArray(), 2, size, size, 19);
        Check(t => Ops.MaxPool2D(t[0], (pool, pool), (stride, stride), padding), [x]);
    }

    [Theory]
    [InlineData("valid")] [InlineData("same")]
    public void AvgPool2D(string padding) => Check(t => Ops.AvgPool2D(t[0], (2, 3), (2, 2), padding), [Uniform([2, 5, 5, 2], 1)]);

    [Fact] public void Pool1D() => Check(t => Ops.Add(Ops.AvgPool1D(t[0], 2), Ops.AvgPool1D(t[0], 2, 2, "same")), [Uniform([2, 4, 3], 1)]);

    [Fact]
    public void BatchNormalization() => Check(t => Ops.BatchNormalization(t[0], t[1], t[2], t[3], t[4], 1e-3f),
        [Uniform([4, 3], 1), Uniform([3], 2), Uniform([3], 3, 0.5f, 1.5f), Uniform([3], 4), Uniform([3], 5)]);

    [Theory]
    [InlineData(true, true)] [InlineData(false, true)] [InlineData(true, false)]
    public void BatchNormalizationTraining(bool scale, bool center)
    {
        // The batch's own statistics, differentiated through (the fused kernel on the CPU, moments and
        // the composed normalization on the reference); the returned, detached statistics by value.
        Tensor[] inputs = [Uniform([2, 3, 5, 4], 1, -1f, 2f), Uniform([4], 2, 0.5f, 1.5f), Uniform([4], 3)];
        Check(t => Ops.BatchNormalizationTraining(t[0], scale ? t[1] : null, center ? t[2] : null, 1e-3f).Y, inputs);
        CheckValues(t =>
        {
            var (_, mean, variance) = Ops.BatchNormalizationTraining(t[0], t[1], t[2], 1e-3f);
            return Ops.Concatenate([mean, variance], 0);
        }, inputs);
    }

    [Theory]
    [InlineData(true, true)] [InlineData(false, false)]
    public void BatchNormalizationTrainingWithRelu(bool scale, bool center)
    {
        // The relu inside the normalization's pass and gradient on the CPU, the normalization then a
        // relu on the reference; values that straddle zero after normalizing, 37 channels for a vector tail.
        Check(t => Ops.BatchNormalizationTraining(t[0], scale ? t[1] : null, center ? t[2] : null, 1e-3f, relu: true).Y,
            [Uniform([2, 3, 5, 37], 1, -1f, 2f), Uniform([37], 2, 0.5f, 1.5f), Uniform([37], 3)]);
    }

    [Fact]
    public void BatchNormalizationTrainingOverManyRowChunksAndThreads() =>
        // 4,096 rows: many fixed row chunks, summed by several threads; 37 channels leave a vector tail.
        Check(t => Ops.BatchNormalizationTraining(t[0], t[1], t[2], 1e-5f).Y,
            [Uniform([4, 32, 32, 37], 1, -3f, 5f), Uniform([37], 2, 0.5f, 1.5f), Uniform([37], 3)], maxElements: 8);

    [Fact]
    public void BatchNormalizationInferenceFoldsIntoOneScaleAndShift()
    {
        // No gradient wanted: the CPU folds the statistics into a per-channel scale and shift.
        var x = Uniform([3, 4, 4, 19], 1, -2f, 3f);
        var stats = new[] { Uniform([1, 1, 1, 19], 2), Uniform([19], 3, 0.5f, 1.5f), Uniform([1, 1, 1, 19], 4), Uniform([19], 5) };
        CheckValues(t => Ops.BatchNormalization(t[0], t[1], t[2], t[3], t[4], 1e-3f), [x, .. stats]);
        CheckValues(t => Ops.BatchNormalization(t[0], t[1], t[2], null, null, 1e-3f), [x, .. stats]);
    }

    [Fact]
    public void Dropout()
    {
        // The mask is drawn inside, on the device the check runs on (the same seed gives the same mask).
        Check(t => Ops.Dropout(t[0], 0.4f, Ops.DropoutMask([4, 5], 0.4f, new Generator(1))), [Uniform([4, 5], 1)]);
    }

    [Fact]
    public void BinaryCrossEntropy()
    {
        // Targets are made inside, on the device the check runs on.
        static Tensor Target() => Tensor.FromArray([0, 1, 1, 0, 1, 0], 2, 3);
        Check(t => Ops.BinaryCrossEntropy(Target(), t[0]), [Uniform([2, 3], 1, 0.1f, 0.9f)]);
        Check(t => Ops.BinaryCrossEntropy(Target(), t[0], fromLogits: true), [Uniform([2, 3], 2, -3f, 3f)]);
    }

    [Fact]
    public void CategoricalCrossEntropy()
    {
        static Tensor Target() => Tensor.FromArray([0, 1, 0, 0.2f, 0.3f, 0.5f], 2, 3);
        Check(t => Ops.CategoricalCrossEntropy(Target(), t[0]), [Uniform([2, 3], 1, 0.1f, 0.9f)]);
        Check(t => Ops.CategoricalCrossEntropy(Target(), t[0], fromLogits: true), [Uniform([2, 3], 2, -3f, 3f)]);
        Check(t => Ops.SparseCategoricalCrossEntropy(Tensor.FromArray([2, 0], 2), t[0], fromLogits: true), [Uniform([2, 3], 3, -3f, 3f)]);
    }

    [Fact]
    public void GradientsAccumulateAcrossBackwardCalls()
    {
        var w = Tensor.FromArray([1f, 2f], 2); w.RequiresGrad = true;
        Ops.Sum(Ops.Multiply(w, 3f)).Backward();
        Ops.Sum(Ops.Multiply(w, 3f)).Backward();
        Assert.Equal([6f, 6f], w.Grad!.ToArray());
        w.ZeroGrad();
        Assert.Null(w.Grad);
        Ops.Sum(Ops.Multiply(w, 2f)).Backward();
        Assert.Equal([2f, 2f], w.Grad!.ToArray());
    }

    [Fact]
    public void SharedInputGetsBothContributions()
    {
        var x = Tensor.FromArray([3f], 1); x.RequiresGrad = true;
        Ops.Sum(Ops.Multiply(x, x)).Backward();  // d(x²) = 2x
        Assert.Equal(6f, x.Grad!.Item());
    }
}
