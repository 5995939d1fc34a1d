using Graft.Layers;
using Graft.Tensors;

namespace Graft.Saving;

/// <summary>
/// Weight layouts that differ between Keras eras and Graft. Layers whose stored order and shapes
/// equal Graft's pass through; converters for convolution (Theano kernel flips) and recurrent
/// layers (Keras 1 split gates) join as those layers arrive.
/// </summary>
internal static class WeightConversion
{
    public static List<Tensor> FromFile(Layer layer, List<Tensor> values, string? kerasVersion, string? backend) => values;

    /// <summary>The weights to write, with the scope Keras uses in weight names (the owning layer's name).</summary>
    public static IEnumerable<(string Scope, string Name, Tensor Value)> ToFile(Layer layer) =>
        layer.Weights.Select(v => (v.Owner.Name, v.Name, v.Value));
}
