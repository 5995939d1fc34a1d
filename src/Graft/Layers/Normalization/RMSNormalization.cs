using Graft.Autograd;
using Graft.Initializers;
using Graft.Tensors;

namespace Graft.Layers.Normalization;

/// <summary>
/// Root-mean-square normalization (Keras 3.9's <c>layers.RMSNormalization</c>, Zhang and Sennrich
/// 2019): x · rsqrt(mean(x²) + ε) · scale, the mean over <see cref="Axis"/> and a learned
/// <c>scale</c> (ones at first) of those axes' sizes. Unlike LayerNormalization it neither centers
/// nor shifts. Shapes are unchanged.
/// </summary>
/// <remarks>
/// Keras multiplies by a scale of the axes' sizes broadcast from the last axis
/// (keras/src/ops/nn.py, <c>_rms_normalization</c>), which places it on the normalized axes when they
/// are the trailing ones, the layer's use; Graft places it on the normalized axes in every case.
/// </remarks>
public sealed class RMSNormalization : Layer
{
    private Variable? _scale;
    private int[]? _axes;

    /// <param name="axis">The normalized axis or axes (an integer or a list; negative from the end); default the last.</param>
    /// <param name="epsilon">Added to the mean square before the root; Keras's default 1e-6.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentException">The axes repeat.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative epsilon.</exception>
    public RMSNormalization([KerasConfig(Property = nameof(AxisConfig))] IntTuple? axis = null, double epsilon = 1e-6, string? name = null) : base(name)
    {
        Axis = axis is { Count: > 0 } a ? [.. a] : [-1];
        if (Axis.Distinct().Count() != Axis.Length) throw new ArgumentException($"RMSNormalization: expected distinct axes, got {Shape.Format(Axis)}.", nameof(axis));
        if (!(epsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"RMSNormalization: expected epsilon >= 0, got {epsilon}.");
        Epsilon = epsilon;
    }

    /// <summary>The normalized axes as given.</summary>
    public int[] Axis { get; }
    // Keras writes one axis as an integer and several as a list.
    private object AxisConfig => Axis.Length == 1 ? Axis[0] : Axis;
    /// <summary>Added to the mean square before the root.</summary>
    public double Epsilon { get; }

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        int rank = inputShape.Length;
        var axes = Axis.Select(a => a < 0 ? a + rank : a).Order().ToArray();
        if (axes.Any(a => a < 1 || a >= rank))
            throw new ArgumentException($"{Describe()}: expected axes within the sample's {rank - 1} axes (1 to {rank - 1}, or negative from the end), got {Shape.Format(Axis)}.");
        var shape = axes.Select(a => inputShape[a] ?? throw new ArgumentException($"{Describe()}: expected known sizes on the normalized axes, got {FormatShape(inputShape)}.")).ToArray();
        _scale = AddWeight("scale", shape, new Ones());
        _axes = axes;
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        var axes = _axes!;
        if (x.Rank != BuiltInputShape!.Length || axes.Any(a => x.Shape[a] != _scale!.Shape[Array.IndexOf(axes, a)]))
            throw new ArgumentException($"{Describe()}: expected input of shape {FormatShape(BuiltInputShape)}, got {x.Shape}.");
        var meanSquare = Ops.Mean(Ops.Square(x), axes, keepDims: true);
        var normalized = Ops.Multiply(x, Ops.Reciprocal(Ops.Sqrt(Ops.Add(meanSquare, Tensor.Scalar((float)Epsilon, x.Device)))));
        // The scale holds the normalized axes only; it broadcasts as size 1 on the others.
        var broadcast = Enumerable.Repeat(1, x.Rank).ToArray();
        foreach (var a in axes) broadcast[a] = x.Shape[a];
        return Ops.Multiply(normalized, axes is [var last] && last == x.Rank - 1 ? _scale!.Value : Ops.Reshape(_scale!.Value, broadcast));
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
