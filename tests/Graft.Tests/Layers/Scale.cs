using Graft.Autograd;
using Graft.Initializers;
using Graft.Layers;
using Graft.Tensors;

namespace Graft.Tests.Layers;

// The README's "Adding a layer" example, verbatim (ReadmeShowsTheExampleLayer checks it).
/// <summary>Multiplies each feature by a learned factor: y = x · scale.</summary>
/// <param name="initialValue">The factors' starting value.</param>
/// <param name="name">Layer name.</param>
public sealed class Scale(double initialValue = 1.0, string? name = null) : Layer(name)
{
    private Variable? _scale;

    /// <summary>The factors' starting value, written to the config as <c>initial_value</c>.</summary>
    public double InitialValue { get; } = initialValue;

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        _scale = AddWeight("scale", [inputShape[^1]!.Value], new Constant((float)InitialValue));
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training) => Ops.Multiply(x, _scale!.Value);
}
