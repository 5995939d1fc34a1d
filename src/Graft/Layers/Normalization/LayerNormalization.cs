using Graft.Autograd;
using Graft.Initializers;
using Graft.Tensors;

namespace Graft.Layers.Normalization;

/// <summary>
/// Normalizes each sample over one or several axes, then scales and shifts (Keras's
/// <c>layers.LayerNormalization</c>): gamma and beta have the shape of the normalized axes, epsilon 1e−3.
/// </summary>
public sealed class LayerNormalization : Layer
{
    private Variable? _gamma, _beta;
    private int[]? _axes;

    /// <param name="axis">The normalized axis or axes, as Keras takes them (an integer or a list; negative from the end); default the last.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="center">Learn beta.</param>
    /// <param name="scale">Learn gamma.</param>
    /// <param name="betaInitializer">Default zeros.</param>
    /// <param name="gammaInitializer">Default ones.</param>
    /// <param name="name">Layer name.</param>
    public LayerNormalization([KerasConfig(Property = nameof(AxisConfig))] IntTuple? axis = null, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null, string? name = null) : base(name)
    {
        Axis = axis is { Count: > 0 } a ? [.. a] : [-1];
        if (Axis.Distinct().Count() != Axis.Length) throw new ArgumentException($"LayerNormalization: expected distinct axes, got {Shape.Format(Axis)}.");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"LayerNormalization: expected epsilon > 0, got {epsilon}.");
        Epsilon = (float)epsilon; Center = center; Scale = scale;
        BetaInitializer = betaInitializer ?? new Zeros(); GammaInitializer = gammaInitializer ?? new Ones();
    }

    /// <summary>The normalized axes as given (-1 is the last).</summary>
    public int[] Axis { get; }
    // Keras writes one axis as an integer and several as a list.
    private object AxisConfig => Axis.Length == 1 ? Axis[0] : Axis;
    /// <summary>Variance epsilon.</summary>
    public float Epsilon { get; }
    /// <summary>Has beta.</summary>
    public bool Center { get; }
    /// <summary>Has gamma.</summary>
    public bool Scale { get; }
    /// <summary>Beta initializer.</summary>
    public Initializer BetaInitializer { get; }
    /// <summary>Gamma initializer.</summary>
    public Initializer GammaInitializer { get; }

    private int[] Canonical(int rank)
    {
        var axes = Axis.Select(a => a < 0 ? a + rank : a).ToArray();
        if (axes.Any(a => a < 1 || a >= rank))
            throw new ArgumentException($"{Describe()}: expected axes within the sample's {rank - 1} axes (1 to {rank - 1}, or negative from the end), got {Shape.Format(Axis)}.");
        Array.Sort(axes);
        return axes;
    }

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        var axes = Canonical(inputShape.Length);
        var shape = axes.Select(a => inputShape[a] ?? throw new ArgumentException($"{Describe()}: expected known sizes on the normalized axes, got {FormatShape(inputShape)}.")).ToArray();
        if (Scale) _gamma = AddWeight("gamma", shape, GammaInitializer);
        if (Center) _beta = AddWeight("beta", shape, BetaInitializer);
        _axes = axes;
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        var axes = _axes!;
        if (x.Rank <= axes[^1]) throw new ArgumentException($"{Describe()}: expected input of rank {axes[^1] + 1} or more, got shape {x.Shape}.");
        var (mean, variance) = Ops.Moments(x, axes, keepDims: true);
        // gamma and beta hold the normalized axes only; they broadcast as size 1 on the others.
        var broadcast = Enumerable.Repeat(1, x.Rank).ToArray();
        foreach (var a in axes) broadcast[a] = x.Shape[a];
        Tensor? Spread(Variable? v) => v is null ? null : axes.Length == 1 && axes[0] == x.Rank - 1 ? v.Value : Ops.Reshape(v.Value, broadcast);
        return Ops.BatchNormalization(x, mean, variance, Spread(_beta), Spread(_gamma), Epsilon);
    }

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
