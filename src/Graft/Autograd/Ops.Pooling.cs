using Graft.Tensors;
using Graft.Tensors.Backends;

namespace Graft.Autograd;

public static partial class Ops
{
    private static Conv2DGeometry PoolGeometry(Tensor x, (int, int) pool, (int, int)? strides, string padding, string op)
    {
        if (x.Rank != 4) throw new ArgumentException($"{op}: expected input of rank 4 (batch, height, width, channels), got shape {x.Shape}.");
        var (ph, pw) = pool;
        if (ph <= 0 || pw <= 0) throw new ArgumentOutOfRangeException(nameof(pool), $"{op}: expected pool size >= 1, got ({ph}, {pw}).");
        return Geometry(x.Shape, ph, pw, strides ?? pool, (1, 1), padding, op);
    }

    /// <summary>Max pooling over NHWC windows; strides default to the pool size, as in Keras.</summary>
    public static Tensor MaxPool2D(Tensor x, (int, int) poolSize, (int, int)? strides = null, string padding = "valid")
    {
        var g = PoolGeometry(x, poolSize, strides, padding, "MaxPool2D");
        var y = Tensor.Empty(Shape.Wrap([g.N, g.OH, g.OW, g.C]), zero: false, x.Device);
        x.Backend.MaxPool2D(x, g, y);
        if (!Tensor.NeedsGrad(x)) return y;
        // d max = g routed to the element that won each window (the first maximum, found again from x and y).
        return Tensor.Record(y, "MaxPool2D", gy =>
        {
            var gx = Tensor.Empty(x.Shape, zero: false, x.Device);
            x.Backend.MaxPool2DBackward(x, y, gy, g, gx);
            x.AccumulateGrad(gx);
        }, x);
    }

    /// <summary>Average pooling over NHWC windows; padded cells are not counted (TensorFlow's rule).</summary>
    public static Tensor AvgPool2D(Tensor x, (int, int) poolSize, (int, int)? strides = null, string padding = "valid")
    {
        var g = PoolGeometry(x, poolSize, strides, padding, "AvgPool2D");
        var y = Tensor.Empty(Shape.Wrap([g.N, g.OH, g.OW, g.C]), zero: false, x.Device);
        x.Backend.AvgPool2D(x, g, y);
        if (!Tensor.NeedsGrad(x)) return y;
        return Tensor.Record(y, "AvgPool2D", gy =>
        {
            var gx = Tensor.Empty(x.Shape, zero: false, x.Device);
            x.Backend.AvgPool2DBackward(gy, g, gx);
            x.AccumulateGrad(gx);
        }, x);
    }

    /// <summary>Max pooling over (N, L, C) steps.</summary>
    public static Tensor MaxPool1D(Tensor x, int poolSize, int? stride = null, string padding = "valid") =>
        Pool1D(x, poolSize, stride, padding, max: true);

    /// <summary>Average pooling over (N, L, C) steps.</summary>
    public static Tensor AvgPool1D(Tensor x, int poolSize, int? stride = null, string padding = "valid") =>
        Pool1D(x, poolSize, stride, padding, max: false);

    private static Tensor Pool1D(Tensor x, int poolSize, int? stride, string padding, bool max)
    {
        if (x.Rank != 3) throw new ArgumentException($"{(max ? "MaxPool1D" : "AvgPool1D")}: expected input of rank 3 (batch, steps, channels), got shape {x.Shape}.");
        var x4 = Reshape(x, x.Shape[0], 1, x.Shape[1], x.Shape[2]);
        var s = (1, stride ?? poolSize);
        var y = max ? MaxPool2D(x4, (1, poolSize), s, padding) : AvgPool2D(x4, (1, poolSize), s, padding);
        return Reshape(y, y.Shape[0], y.Shape[2], y.Shape[3]);
    }
}
