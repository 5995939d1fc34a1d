using Graft.Autograd;
using Graft.Initializers;
using Graft.Tensors;

namespace Graft.Layers.Core;

/// <summary>
/// Multiplies each feature of the last axis by its own learned scale <c>gamma</c>, which starts at
/// <see cref="InitValues"/> (Touvron et al., 2021). Keras defines it inside its ConvNeXt application
/// (<c>keras.applications.convnext.LayerScale</c>), where it damps each residual branch at the start of training.
/// Input (batch, …, <see cref="ProjectionDim"/>); output the same shape.
/// </summary>
public sealed class LayerScale : Layer
{
    private Variable? _gamma;

    /// <param name="initValues">The scales' first value (ConvNeXt: 1e-6).</param>
    /// <param name="projectionDim">The size of the input's last axis: one scale per feature.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="projectionDim"/> is not positive.</exception>
    public LayerScale(double initValues, int projectionDim, string? name = null) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(projectionDim);
        InitValues = initValues; ProjectionDim = projectionDim;
    }

    /// <summary>The scales' first value (Keras's <c>init_values</c>).</summary>
    public double InitValues { get; }
    /// <summary>The number of features scaled (Keras's <c>projection_dim</c>).</summary>
    public int ProjectionDim { get; }

    /// <summary>The scales, one per feature; null before build.</summary>
    public Variable? Gamma => _gamma;

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        if (inputShape.Length < 2 || inputShape[^1] is { } last && last != ProjectionDim)
            throw new ArgumentException($"{Describe()}: expected an input whose last axis has projection_dim = {ProjectionDim} features, got {FormatShape(inputShape)}.");
        // Keras's add_weight here names no weight; "gamma" is the attribute that holds it.
        _gamma = AddWeight("gamma", [ProjectionDim], new Constant((float)InitValues));
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training) => Ops.Multiply(x, _gamma!.Value);

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
