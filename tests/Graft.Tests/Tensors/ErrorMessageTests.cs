using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Tests.Tensors;

/// <summary>Every bad-input message names the op, what it expected and what it got.</summary>
public class ErrorMessageTests
{
    [Fact]
    public void MatMulInnerDimensions()
    {
        var ex = Assert.Throws<ArgumentException>(() => Ops.MatMul(Tensor.Zeros(32, 784), Tensor.Zeros(300, 100)));
        Assert.Equal("MatMul: expected inner dimensions to agree, got (32, 784) x (300, 100).", ex.Message);
    }

    [Fact]
    public void BroadcastFailure()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(3, 4) + Tensor.Zeros(5));
        Assert.Contains("Add: expected shapes that broadcast", ex.Message);
        Assert.Contains("got (3, 4) and (5,)", ex.Message);
    }

    [Fact]
    public void InvalidAxis()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(2, 3).Sum(2));
        Assert.Contains("Sum: expected axes in [-2, 1], got 2", ex.Message);
        Assert.Contains("Softmax: expected an axis in [-2, 1], got 5", Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Softmax(Tensor.Zeros(2, 2), 5)).Message);
    }

    [Fact]
    public void ReshapeSizeMismatch()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3).Reshape(4, 2));
        Assert.Equal("Reshape: expected a shape of 6 elements (input (2, 3)), got (4, 2) (8 elements).", ex.Message);
    }

    [Fact]
    public void FromArrayLength()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tensor.FromArray([1, 2, 3], 2, 2));
        Assert.Equal("Tensor.FromArray: expected 4 values for shape (2, 2), got 3.", ex.Message);
    }

    [Fact]
    public void IndexOutOfRange()
    {
        var ex = Assert.Throws<IndexOutOfRangeException>(() => Tensor.Zeros(3, 2)[5]);
        Assert.Contains("expected an index in [0, 2]", ex.Message);
        Assert.Contains("Gather: expected indices in [-3, 2]", Assert.Throws<IndexOutOfRangeException>(() => Tensor.Zeros(3).Gather([0, 3])).Message);
    }

    [Fact]
    public void ConvolutionShapes()
    {
        Assert.Contains("Conv2D: expected input of rank 4", Assert.Throws<ArgumentException>(() => Ops.Conv2D(Tensor.Zeros(28, 28), Tensor.Zeros(3, 3, 1, 8))).Message);
        Assert.Contains("got kernel (3, 3, 2, 8) for input (1, 5, 5, 3)", Assert.Throws<ArgumentException>(() => Ops.Conv2D(Tensor.Zeros(1, 5, 5, 3), Tensor.Zeros(3, 3, 2, 8))).Message);
        Assert.Contains("expected spatial size >= 3", Assert.Throws<ArgumentException>(() => Ops.Conv2D(Tensor.Zeros(1, 2, 5, 1), Tensor.Zeros(3, 3, 1, 1))).Message);
        Assert.Contains("expected padding 'valid' or 'same', got 'full'", Assert.Throws<ArgumentException>(() => Ops.Conv2D(Tensor.Zeros(1, 5, 5, 1), Tensor.Zeros(3, 3, 1, 1), padding: "full")).Message);
        Assert.Contains("MaxPool2D: expected pool size >= 1, got (0, 2)", Assert.Throws<ArgumentOutOfRangeException>(() => Ops.MaxPool2D(Tensor.Zeros(1, 4, 4, 1), (0, 2))).Message);
    }

    [Fact]
    public void NanProducingArguments()
    {
        Assert.Contains("RandomNormal: expected a finite stddev >= 0, got -1", Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.RandomNormal([2], stddev: -1f)).Message);
        Assert.Contains("RandomUniform: expected finite bounds with minval <= maxval, got [1, 0)", Assert.Throws<ArgumentException>(() => Tensor.RandomUniform([2], 1f, 0f)).Message);
        Assert.Contains("Dropout: expected a rate in [0, 1), got 1", Assert.Throws<ArgumentOutOfRangeException>(() => Ops.DropoutMask([2], 1f)).Message);
        Assert.Contains("BatchNormalization: expected epsilon >= 0, got NaN", Assert.Throws<ArgumentOutOfRangeException>(() => Ops.BatchNormalization(Tensor.Zeros(2), Tensor.Zeros(2), Tensor.Ones(2), null, null, float.NaN)).Message);
        Assert.Contains("Clip: expected min <= max, got min 1 and max 0", Assert.Throws<ArgumentException>(() => Ops.Clip(Tensor.Zeros(2), 1f, 0f)).Message);
        Assert.Contains("SparseCategoricalCrossEntropy: expected integer class ids in [0, 7], got 9", Assert.Throws<ArgumentException>(() => Ops.SparseCategoricalCrossEntropy(Tensor.FromArray([9], 1), Tensor.Zeros(1, 8))).Message);
    }

    [Fact]
    public void BackwardMisuse()
    {
        Assert.Contains("Backward: expected a tensor that requires grad", Assert.Throws<InvalidOperationException>(() => Tensor.Ones(1).Backward()).Message);
        var w = Tensor.Ones(3); w.RequiresGrad = true;
        Assert.Contains("Backward: expected a scalar (or an explicit gradient), got shape (3,)", Assert.Throws<InvalidOperationException>(() => (w * 2f).Backward()).Message);
        Assert.Contains("Tensor.Item: expected a tensor with one element, got shape (3,)", Assert.Throws<InvalidOperationException>(() => w.Item()).Message);
    }
}
