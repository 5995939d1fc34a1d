using Graft.Layers.Convolutional;
using Graft.Layers.Core;
using Graft.Layers.Merging;
using Graft.Layers.Normalization;
using Graft.Layers.Pooling;
using Graft.Models;

namespace Graft.Bench;

/// <summary>
/// torchvision's ResNet18 and ResNet50 built from Graft's layers, channels-last: the same
/// convolutions (no bias, each followed by BatchNormalization with PyTorch's epsilon 1e-5 and
/// momentum 0.1), the same strides (ResNet50 strides its 3×3 convolutions, torchvision's "v1.5"),
/// "same" padding (TensorFlow puts a strided convolution's odd pad cell at the end where PyTorch
/// pads both sides: the same arithmetic). Counts the forward multiply-adds while building.
/// </summary>
internal sealed class ResNets
{
    private long _macs;
    private int _h, _w, _c;

    /// <summary>Forward floating-point operations per image (2 per multiply-add).</summary>
    public double ForwardFlops => 2.0 * _macs;

    /// <summary>The trunk's input and its pooled 512- or 2048-feature output.</summary>
    public SymbolicTensor Input { get; private set; } = null!;
    public SymbolicTensor Features { get; private set; } = null!;

    /// <summary>ResNet18 (blocks 2, 2, 2, 2) or ResNet50 (bottlenecks 3, 4, 6, 3) with a Dense head of <paramref name="classes"/>.</summary>
    public static (Model Model, ResNets Shape) Build(int depth, int size = 224, int classes = 1000)
    {
        var r = new ResNets();
        var model = r.Create(depth, size, classes);
        return (model, r);
    }

    private Model Create(int depth, int size, int classes)
    {
        Input = Keras.Input([size, size, 3]);
        _h = size; _w = size; _c = 3;
        var x = Relu(Bn(Conv(Input, 64, 7, 2)));
        x = new MaxPooling2D(3, 2, padding: "same").Call(x);
        _h = (_h + 1) / 2; _w = (_w + 1) / 2;
        int[] blocks = depth == 18 ? [2, 2, 2, 2] : depth == 50 ? [3, 4, 6, 3] : throw new ArgumentException($"ResNets: expected depth 18 or 50, got {depth}.");
        for (int stage = 0; stage < 4; stage++)
            for (int b = 0; b < blocks[stage]; b++)
            {
                int width = 64 << stage, stride = stage > 0 && b == 0 ? 2 : 1;
                x = depth == 18 ? Basic(x, width, stride) : Bottleneck(x, width, stride);
            }
        Features = new GlobalAveragePooling2D().Call(x);
        _macs += (long)_c * classes;
        return new Model(Input, new Dense(classes).Call(Features), $"resnet{depth}");
    }

    private SymbolicTensor Basic(SymbolicTensor x, int width, int stride)
    {
        var (h, w, c) = (_h, _w, _c);
        var y = Relu(Bn(Conv(x, width, 3, stride)));
        y = Bn(Conv(y, width, 3, 1));
        var shortcut = x;
        if (stride != 1 || c != width)
        {
            var after = (_h, _w, _c);
            (_h, _w, _c) = (h, w, c);
            shortcut = Bn(Conv(x, width, 1, stride));
            (_h, _w, _c) = after;
        }
        return Relu(new Add().Call([y, shortcut]));
    }

    private SymbolicTensor Bottleneck(SymbolicTensor x, int width, int stride)
    {
        var (h, w, c) = (_h, _w, _c);
        var y = Relu(Bn(Conv(x, width, 1, 1)));
        y = Relu(Bn(Conv(y, width, 3, stride)));
        y = Bn(Conv(y, width * 4, 1, 1));
        var shortcut = x;
        if (stride != 1 || c != width * 4)
        {
            var after = (_h, _w, _c);
            (_h, _w, _c) = (h, w, c);
            shortcut = Bn(Conv(x, width * 4, 1, stride));
            (_h, _w, _c) = after;
        }
        return Relu(new Add().Call([y, shortcut]));
    }

    private SymbolicTensor Conv(SymbolicTensor x, int filters, int k, int stride)
    {
        int oh = (_h + stride - 1) / stride, ow = (_w + stride - 1) / stride;
        _macs += (long)oh * ow * k * k * _c * filters;
        (_h, _w, _c) = (oh, ow, filters);
        return new Conv2D(filters, k, stride, padding: "same", useBias: false).Call(x);
    }

    private static SymbolicTensor Bn(SymbolicTensor x) => new BatchNormalization(momentum: 0.9, epsilon: 1e-5).Call(x);

    private static SymbolicTensor Relu(SymbolicTensor x) => new Activation("relu").Call(x);
}
