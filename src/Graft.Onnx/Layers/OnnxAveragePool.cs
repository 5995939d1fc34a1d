using Graft.Autograd;
using Graft.Layers;
using Graft.Tensors;

namespace Graft.Onnx.Layers;

/// <summary>
/// ONNX's <c>AveragePool</c> on channels-last images where Keras's AveragePooling2D does not fit: explicit
/// padding that is not Keras's "same", with or without the padded cells in the count
/// (<c>count_include_pad</c>), and <c>ceil_mode</c>'s extra cells at the end, which never count.
/// </summary>
internal sealed class OnnxAveragePool : Layer
{
    /// <param name="poolSize">(rows, cols).</param>
    /// <param name="strides">(rows, cols).</param>
    /// <param name="pads">top, bottom, left, right: ONNX's <c>pads</c>.</param>
    /// <param name="extra">bottom, right: the cells <c>ceil_mode</c> adds after the padding.</param>
    /// <param name="countIncludePad">Whether <paramref name="pads"/> cells count in the divisor.</param>
    /// <param name="name">Layer name.</param>
    public OnnxAveragePool(int[] poolSize, int[] strides, int[] pads, int[] extra, bool countIncludePad, string? name = null) : base(name)
    {
        if (poolSize.Length != 2 || strides.Length != 2 || pads.Length != 4 || extra.Length != 2 || poolSize.Concat(strides).Any(v => v < 1) || pads.Concat(extra).Any(v => v < 0))
            throw new ArgumentException($"OnnxAveragePool: expected 2 positive pool sizes and strides, 4 pads and 2 extra counts (non-negative), got pool {OnnxLayers.Format(poolSize)}, strides {OnnxLayers.Format(strides)}, pads {OnnxLayers.Format(pads)}, extra {OnnxLayers.Format(extra)}.");
        PoolSize = poolSize; Strides = strides; Pads = pads; Extra = extra; CountIncludePad = countIncludePad;
    }

    public int[] PoolSize { get; }
    public int[] Strides { get; }
    public int[] Pads { get; }
    public int[] Extra { get; }
    public bool CountIncludePad { get; }

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 4) throw new ArgumentException($"{Describe()}: expected input of rank 4, got shape {x.Shape}.");
        (int, int)[] pads = [(0, 0), (Pads[0], Pads[1] + Extra[0]), (Pads[2], Pads[3] + Extra[1]), (0, 0)];
        var pool = (PoolSize[0], PoolSize[1]);
        var strides = (Strides[0], Strides[1]);
        var mean = Ops.AvgPool2D(Ops.Pad(x, pads), pool, strides);
        // The share of each window that counts: the mean of a mask that is 1 on counted cells.
        int h = x.Shape[1], w = x.Shape[2];
        var counted = CountIncludePad
            ? Ops.Pad(Tensor.Ones(1, h + Pads[0] + Pads[1], w + Pads[2] + Pads[3], 1), [(0, 0), (0, Extra[0]), (0, Extra[1]), (0, 0)])
            : Ops.Pad(Tensor.Ones(1, h, w, 1), pads);
        return Ops.Divide(mean, Ops.AvgPool2D(counted, pool, strides));
    }

    public override int?[] ComputeOutputShape(int?[] s)
    {
        if (s.Length != 4) throw new ArgumentException($"{Describe()}: expected input of rank 4, got {FormatShape(s)}.");
        int? Out(int? n, int axis) => n is null ? null : (n.Value + Pads[2 * axis] + Pads[2 * axis + 1] + Extra[axis] - PoolSize[axis]) / Strides[axis] + 1;
        return [s[0], Out(s[1], 0), Out(s[2], 1), s[3]];
    }

}
