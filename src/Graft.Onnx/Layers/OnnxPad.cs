using Graft.Autograd;
using Graft.Layers;
using Graft.Tensors;

namespace Graft.Onnx.Layers;

/// <summary>
/// ONNX's <c>Pad</c> where Keras's ZeroPadding layers do not fit: any axes after the batch, any fill value
/// (mode "constant"; MaxPool's padding, which ONNX fills with −∞, uses <see cref="float.MinValue"/>), and the
/// modes "reflect" (mirror without repeating the edge: 3 2 | 1 2 3 4 | 3 2) and "edge" (repeat it: 1 1 | 1 2 3 4 | 4 4).
/// </summary>
internal sealed class OnnxPad : Layer
{
    /// <param name="pads">For each axis after the batch, the count before then the count after.</param>
    /// <param name="value">The fill value.</param>
    /// <param name="mode">"constant", "reflect" or "edge".</param>
    /// <param name="name">Layer name.</param>
    public OnnxPad(int[] pads, float value = 0f, string mode = "constant", string? name = null) : base(name)
    {
        if (pads.Length == 0 || pads.Length % 2 != 0 || pads.Any(p => p < 0))
            throw new ArgumentException($"OnnxPad: expected a (before, after) pair of non-negative counts per axis, got {OnnxLayers.Format(pads)}.");
        if (mode is not ("constant" or "reflect" or "edge"))
            throw new ArgumentException($"OnnxPad: expected mode 'constant', 'reflect' or 'edge', got '{mode}'.", nameof(mode));
        Pads = pads; Value = value; Mode = mode;
    }

    /// <summary>"constant", "reflect" or "edge".</summary>
    public string Mode { get; }

    public int[] Pads { get; }

    private int Axes => Pads.Length / 2;
    public float Value { get; }

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != Axes + 1) throw new ArgumentException($"{Describe()}: expected input of rank {Axes + 1}, got shape {x.Shape}.");
        if (Mode != "constant") return PadByCopies(x);
        (int, int)[] pads = [(0, 0), .. Enumerable.Range(0, Axes).Select(a => (Pads[2 * a], Pads[2 * a + 1]))];
        var y = Ops.Pad(x, pads);
        if (Value == 0f) return y;
        // The padded cells are 0 in y; add the fill value there only: (1 - pad(ones)) is 1 exactly on them.
        var inside = Ops.Pad(Tensor.Ones([1, .. x.Shape.Skip(1)]), [(0, 0), .. pads.Skip(1)]);
        return Ops.Add(y, Ops.Multiply(Ops.Add(Ops.Negative(inside), 1f), Value));
    }

    /// <summary>Reflect and edge padding as a gather along each padded axis: every output cell copies an input cell.</summary>
    private Tensor PadByCopies(Tensor x)
    {
        for (int a = 0; a < Axes; a++)
        {
            int before = Pads[2 * a], after = Pads[2 * a + 1], n = x.Shape[a + 1];
            if (before == 0 && after == 0) continue;
            if (Mode == "reflect" && (before >= n || after >= n))
                throw new ArgumentException($"{Describe()}: expected reflect pads smaller than the axis (size {n}), got {before} before and {after} after on axis {a + 1}.");
            var indices = new int[n + before + after];
            for (int i = 0; i < indices.Length; i++)
            {
                int j = i - before;
                indices[i] = Mode == "edge" ? Math.Clamp(j, 0, n - 1) : j < 0 ? -j : j >= n ? 2 * (n - 1) - j : j;
            }
            x = Ops.Gather(x, indices, a + 1);
        }
        return x;
    }

    public override int?[] ComputeOutputShape(int?[] inputShape)
    {
        if (inputShape.Length != Axes + 1) throw new ArgumentException($"{Describe()}: expected input of rank {Axes + 1}, got {FormatShape(inputShape)}.");
        var r = (int?[])inputShape.Clone();
        for (int i = 0; i < Axes; i++) r[i + 1] = r[i + 1] + Pads[2 * i] + Pads[2 * i + 1];
        return r;
    }

}
