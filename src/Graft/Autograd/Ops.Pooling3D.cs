using Graft.Tensors;

namespace Graft.Autograd;

public static partial class Ops
{
    /// <summary>Max pooling over (N, D, H, W, C) windows; strides default to the pool size, as in Keras.</summary>
    public static Tensor MaxPool3D(Tensor x, (int, int, int) poolSize, (int, int, int)? strides = null, string padding = "valid") =>
        Pool3D(x, poolSize, strides ?? poolSize, padding, max: true);

    /// <summary>Average pooling over (N, D, H, W, C) windows; padded cells are not counted (TensorFlow's rule).</summary>
    public static Tensor AvgPool3D(Tensor x, (int, int, int) poolSize, (int, int, int)? strides = null, string padding = "valid") =>
        Pool3D(x, poolSize, strides ?? poolSize, padding, max: false);

    // A box's max is the max over depth of each plane's max, and with padded cells left out its mean
    // is the mean over depth of each plane's mean (the valid cells of a box are a product of the valid
    // cells on each axis), so a 3-D pool is a 2-D pool of every plane followed by a 1-D pool over depth.
    private static Tensor Pool3D(Tensor x, (int D, int H, int W) pool, (int D, int H, int W) strides, string padding, bool max)
    {
        string op = max ? "MaxPool3D" : "AvgPool3D";
        if (x.Rank != 5) throw new ArgumentException($"{op}: expected input of rank 5 (batch, depth, height, width, channels), got shape {x.Shape}.");
        if (pool.D <= 0 || strides.D <= 0) throw new ArgumentOutOfRangeException(nameof(pool), $"{op}: expected pool size and strides >= 1, got {pool} and {strides}.");
        int n = x.Shape[0], d = x.Shape[1], c = x.Shape[4];
        var planes = Reshape(x, n * d, x.Shape[2], x.Shape[3], c);
        var pooled = max ? MaxPool2D(planes, (pool.H, pool.W), (strides.H, strides.W), padding) : AvgPool2D(planes, (pool.H, pool.W), (strides.H, strides.W), padding);
        int oh = pooled.Shape[1], ow = pooled.Shape[2];
        var columns = Reshape(pooled, n, d, oh * ow * c);
        var y = max ? MaxPool1D(columns, pool.D, strides.D, padding) : AvgPool1D(columns, pool.D, strides.D, padding);
        return Reshape(y, n, y.Shape[1], oh, ow, c);
    }
}
