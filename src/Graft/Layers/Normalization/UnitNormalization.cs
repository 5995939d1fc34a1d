using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Normalization;

/// <summary>
/// Scales each sample to unit L2 norm over the given axes (Keras's <c>layers.UnitNormalization</c>):
/// x · rsqrt(max(Σx², ε²)) with ε = 1e−12, as Keras's <c>ops.normalize</c>. Shapes are unchanged.
/// </summary>
public sealed class UnitNormalization : Layer
{
    /// <param name="axis">The axis or axes of the norm (negative from the end); default the last.</param>
    /// <param name="name">Layer name.</param>
    public UnitNormalization([KerasConfig(Property = nameof(AxisConfig))] IntTuple? axis = null, string? name = null) : base(name)
    {
        Axis = axis is { Count: > 0 } a ? [.. a] : [-1];
    }

    /// <summary>The axes of the norm as given.</summary>
    public int[] Axis { get; }
    // Keras writes one axis as an integer and several as a list.
    private object AxisConfig => Axis.Length == 1 ? Axis[0] : Axis;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        var axes = Axis.Select(a => a < 0 ? a + x.Rank : a).ToArray();
        if (axes.Any(a => a < 0 || a >= x.Rank)) throw new ArgumentException($"{Describe()}: expected axes within rank {x.Rank}, got {Shape.Format(Axis)} for shape {x.Shape}.");
        // The squared norm is clamped before the root so a zero vector stays finite, with a finite gradient.
        var squares = Ops.Sum(Ops.Square(x), axes, keepDims: true);
        return Ops.Multiply(x, Ops.Reciprocal(Ops.Sqrt(Ops.Maximum(squares, Tensor.Scalar(1e-24f, x.Device)))));
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] inputShape)
    {
        if (Axis.Any(a => a >= inputShape.Length || a < -inputShape.Length))
            throw new ArgumentException($"{Describe()}: expected axes within rank {inputShape.Length}, got {Shape.Format(Axis)} for shape {FormatShape(inputShape)}.");
        return inputShape;
    }

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
