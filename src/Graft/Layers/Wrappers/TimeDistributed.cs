using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Wrappers;

/// <summary>Applies <see cref="Layer"/> to every step of (N, T, …) input (Keras's <c>layers.TimeDistributed</c>).</summary>
public sealed class TimeDistributed(Layer layer, string? name = null) : Layer(name)
{
    /// <summary>The wrapped layer (shared across steps).</summary>
    public Layer Layer { get; } = layer ?? throw new ArgumentNullException(nameof(layer));

    /// <inheritdoc/>
    protected internal override IEnumerable<Layer> SubLayers => [Layer];

    /// <inheritdoc/>
    /// <remarks>Keras 3 saves the wrapped layer under the attribute <c>layer</c> (keras/src/layers/core/wrapper.py).</remarks>
    protected internal override IEnumerable<(string Path, Variable Weight)> KerasWeightPaths() => KerasWeightPathsUnder("layer", Layer);

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        if (inputShape.Length < 3) throw new ArgumentException($"{Describe()}: expected input (batch, steps, …), got {FormatShape(inputShape)}.");
        Layer.EnsureBuilt([null, .. inputShape[2..]]);
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        int n = x.Shape[0], t = x.Shape[1];
        var y = Layer.Call(Ops.Reshape(x, [n * t, .. x.Shape.Dims[2..]]), training);
        return Ops.Reshape(y, [n, t, .. y.Shape.Dims[1..]]);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        var inner = Layer.ComputeOutputShape([null, .. s[2..]]);
        return [s[0], s[1], .. inner[1..]];
    }

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
