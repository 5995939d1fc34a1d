using Graft.Autograd;
using Graft.Losses;
using Graft.Tensors;
using static Graft.Tests.Testing.GradCheck;

namespace Graft.Tests.Autograd;

/// <summary>
/// The ops and paths that <see cref="GradientTests"/> does not reach, against the float64 reference:
/// the LSTM sequence with its masks (the CPU's fused kernel against the reference's composed steps),
/// ops without a gradient (values only), and every loss (value and gradient of the prediction).
/// </summary>
public class ReferenceOracleTests
{
    [Theory]
    [InlineData(false, false)] [InlineData(true, false)] [InlineData(false, true)] [InlineData(true, true)]
    public void LstmSequenceWithRecurrentDropoutAndStepMask(bool goBackwards, bool returnSequences)
    {
        // Made inside, on the device the check runs on: a recurrent dropout mask and a sequence mask
        // that pads the end of the first sample and the start of the second.
        static Tensor RecurrentMask() => Tensor.FromArray([1, 0, 1.25f, 1, 1.25f, 0], 2, 3);
        static Tensor StepMask() => Tensor.FromArray([1, 1, 1, 0, 0, 1, 1, 1], 2, 4);
        Check(t => Ops.LstmSequence(t[0], t[1], RecurrentMask(), goBackwards, returnSequences, StepMask()),
            [Uniform([2, 4, 12], 1), Uniform([3, 12], 2)]);
    }

    [Fact]
    public void ComparisonsArgMaxAndOneHot()
    {
        // Values on a coarse grid, so ties and equalities really occur.
        var a = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => (float)(i * 7 % 5) - 2).ToArray(), 3, 4);
        var b = Tensor.FromArray([0f, 1f, -1f, 2f], 4);
        CheckValues(t => Ops.Greater(t[0], t[1]), [a, b]);
        CheckValues(t => Ops.GreaterEqual(t[0], t[1]), [a, b]);
        CheckValues(t => Ops.Less(t[0], t[1]), [a, b]);
        CheckValues(t => Ops.LessEqual(t[0], t[1]), [a, b]);
        CheckValues(t => Ops.Equal(t[0], t[1]), [a, b]);
        CheckValues(t => Ops.NotEqual(t[0], t[1]), [a, b]);
        CheckValues(t => Ops.Sign(t[0]), [a]);
        CheckValues(t => Ops.ArgMax(t[0], 1), [a]);
        CheckValues(t => Ops.ArgMin(t[0], 0, keepDims: true), [a]);
        CheckValues(t => Ops.OneHot(t[0], 5), [Tensor.FromArray([4f, 0f, 2f, 2f], 2, 2)]);
    }

    [Fact]
    public void MaxPool1D()
    {
        var x = Tensor.FromArray(new Generator(5).Permutation(2 * 7 * 3).Select(v => v * 0.05f).ToArray(), 2, 7, 3);
        Check(t => Ops.Add(Ops.MaxPool1D(t[0], 2), Ops.MaxPool1D(t[0], 3, 2, "valid")), [x]);
    }

    public static TheoryData<string> LossNames =>
        ["binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy", "mse", "mae", "huber", "hinge", "kl_divergence"];

    [Theory]
    [MemberData(nameof(LossNames))]
    public void Losses(string name)
    {
        // Targets for each loss's domain, made inside on the check's device; predictions are probabilities.
        Tensor Target() => name switch
        {
            "sparse_categorical_crossentropy" => Tensor.FromArray([2f, 0f, 1f], 3),
            "binary_crossentropy" or "hinge" => Tensor.FromArray([0, 1, 1, 0, 1, 0, 0, 0, 1], 3, 3),
            _ => Tensor.FromArray([0.1f, 0.7f, 0.2f, 0.5f, 0.25f, 0.25f, 0f, 0f, 1f], 3, 3),
        };
        var loss = Loss.Get(name);
        Check(t => loss.Call(Target(), t[0]), [Uniform([3, 3], 11, 0.15f, 0.85f)]);
    }

    [Fact]
    public void LabelSmoothingAndLogits() =>
        Check(t => new BinaryCrossentropy(fromLogits: true, labelSmoothing: 0.2f).Call(Tensor.FromArray([0, 1, 1, 0], 2, 2), t[0]),
            [Uniform([2, 2], 12, -3f, 3f)]);
}
