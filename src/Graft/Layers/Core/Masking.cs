using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Core;

/// <summary>
/// Marks padding steps of a (batch, steps, features) sequence (Keras's <c>layers.Masking</c>): a step
/// whose features all equal <see cref="MaskValue"/> is masked for the layers downstream, and its
/// values are set to 0 as Keras does.
/// </summary>
public sealed class Masking(double maskValue = 0, int[]? inputShape = null, string? name = null) : Layer(name, inputShape)
{
    /// <summary>The value that marks a padding step.</summary>
    public float MaskValue { get; } = (float)maskValue;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank < 3) throw new ArgumentException($"{Describe()}: expected input (batch, steps, features…), got shape {x.Shape}.");
        int n = x.Shape[0], steps = x.Shape[1], width = x.Size / Math.Max(1, n * steps);
        var data = x.ToArray();
        var keep = new float[n * steps];
        for (int s = 0; s < keep.Length; s++)
            keep[s] = data.AsSpan(s * width, width).ContainsAnyExcept(MaskValue) ? 1f : 0f;
        var mask = Tensor.FromArray(keep, n, steps);
        var y = Ops.Multiply(x, Ops.Reshape(mask, [n, steps, .. Enumerable.Repeat(1, x.Rank - 2)]));
        y.Mask = mask;
        return y;
    }

    /// <inheritdoc/>
    protected internal override Tensor? ComputeMask(Tensor inputs, Tensor? mask, Tensor output) => output.Mask;

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s) =>
        s.Length >= 3 ? s : throw new ArgumentException($"{Describe()}: expected input (batch, steps, features…), got shape {FormatShape(s)}.");
}
