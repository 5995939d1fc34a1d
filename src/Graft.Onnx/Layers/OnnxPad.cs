using Graft.Autograd;
using Graft.Layers;
using Graft.Tensors;

namespace Graft.Onnx.Layers;

/// <summary>
/// ONNX's constant <c>Pad</c> where Keras's ZeroPadding layers do not fit: any axes after the batch, and any
/// fill value. MaxPool's padding, which ONNX fills with −∞, uses <see cref="float.MinValue"/>.
/// </summary>
internal sealed class OnnxPad : Layer
{
    /// <param name="pads">For each axis after the batch, the count before then the count after.</param>
    /// <param name="value">The fill value.</param>
    /// <param name="name">Layer name.</param>
    public OnnxPad(int[] pads, float value = 0f, string? name = null) : base(name)
    {
        if (pads.Length == 0 || pads.Length % 2 != 0 || pads.Any(p => p < 0))
            throw new ArgumentException($"OnnxPad: expected a (before, after) pair of non-negative counts per axis, got {OnnxLayers.Format(pads)}.");
        Pads = pads; Value = value;
    }

    public int[] Pads { get; }

    private int Axes => Pads.Length / 2;
    public float Value { get; }

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != Axes + 1) throw new ArgumentException($"{Describe()}: expected input of rank {Axes + 1}, got shape {x.Shape}.");
        (int, int)[] pads = [(0, 0), .. Enumerable.Range(0, Axes).Select(a => (Pads[2 * a], Pads[2 * a + 1]))];
        var y = Ops.Pad(x, pads);
        if (Value == 0f) return y;
        // The padded cells are 0 in y; add the fill value there only: (1 - pad(ones)) is 1 exactly on them.
        var inside = Ops.Pad(Tensor.Ones([1, .. x.Shape.Skip(1)]), [(0, 0), .. pads.Skip(1)]);
        return Ops.Add(y, Ops.Multiply(Ops.Add(Ops.Negative(inside), 1f), Value));
    }

    public override int?[] ComputeOutputShape(int?[] inputShape)
    {
        if (inputShape.Length != Axes + 1) throw new ArgumentException($"{Describe()}: expected input of rank {Axes + 1}, got {FormatShape(inputShape)}.");
        var r = (int?[])inputShape.Clone();
        for (int i = 0; i < Axes; i++) r[i + 1] = r[i + 1] + Pads[2 * i] + Pads[2 * i + 1];
        return r;
    }

}
