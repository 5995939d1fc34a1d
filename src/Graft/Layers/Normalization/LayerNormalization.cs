using Graft.Autograd;
using Graft.Initializers;
using Graft.Tensors;

namespace Graft.Layers.Normalization;

/// <summary>
/// Normalizes each sample over its last axis, then scales and shifts (Keras's
/// <c>layers.LayerNormalization</c>): gamma and beta of the feature size, epsilon 1e−3.
/// </summary>
public sealed class LayerNormalization : Layer
{
    private Variable? _gamma, _beta;

    /// <param name="axis">The normalized axis or axes, as Keras takes them (only the last axis, -1, is supported).</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="center">Learn beta.</param>
    /// <param name="scale">Learn gamma.</param>
    /// <param name="betaInitializer">Default zeros.</param>
    /// <param name="gammaInitializer">Default ones.</param>
    /// <param name="name">Layer name.</param>
    public LayerNormalization(IntTuple? axis = null, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null, string? name = null) : base(name)
    {
        if (axis is { } axes && (axes.Count != 1 || axes[0] != -1))
            throw new NotSupportedException($"Layer class 'LayerNormalization' (layer '{name ?? "?"}'): axis {axes} is not supported by Graft yet; only the last axis (-1).");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"LayerNormalization: expected epsilon > 0, got {epsilon}.");
        Epsilon = (float)epsilon; Center = center; Scale = scale;
        BetaInitializer = betaInitializer ?? new Zeros(); GammaInitializer = gammaInitializer ?? new Ones();
    }

    /// <summary>The normalized axis: the last (-1), the only one Graft supports.</summary>
    public int Axis => -1;
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

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        int features = inputShape[^1] ?? throw new ArgumentException($"{Describe()}: expected a known last dimension, got {FormatShape(inputShape)}.");
        if (Scale) _gamma = AddWeight("gamma", [features], GammaInitializer);
        if (Center) _beta = AddWeight("beta", [features], BetaInitializer);
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        var (mean, variance) = Ops.Moments(x, [-1], keepDims: true);
        return Ops.BatchNormalization(x, mean, variance, _beta?.Value, _gamma?.Value, Epsilon);
    }

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
