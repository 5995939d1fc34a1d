using Graft.Autograd;
using Graft.Layers;
using Graft.Layers.Convolutional;
using Graft.Tensors;

namespace Graft.Saving;

/// <summary>
/// Weight layouts that differ between Keras eras and Graft, converted as Keras's own legacy loader
/// does (keras/src/legacy/saving/legacy_h5_format.py): Keras 1 "th"-ordered convolution kernels
/// (out, in, kh, kw) are transposed to (kh, kw, in, out); Keras 1 Conv1D kernels stored 4-D
/// (k, 1, in, out) lose their extra axis; kernels trained with the Theano backend are flipped
/// spatially (Theano convolves, TensorFlow correlates).
/// </summary>
internal static class WeightConversion
{
    public static List<Tensor> FromFile(Layer layer, List<Tensor> values, string? kerasVersion, string? backend)
    {
        // Keras 1 stored each gate separately: LSTM W, U, b for i, c, f, o; GRU for z, r, h.
        if (layer is Layers.Recurrent.LSTM && values.Count == 12)
            return Gates(values, [0, 2, 1, 3]);
        if (layer is Layers.Recurrent.GRU && values.Count == 9)
            return Gates(values, [0, 1, 2]);
        if (layer is not ConvBase conv || values.Count == 0) return values;
        var kernel = values[0];
        var expected = layer.Weights.Count > 0 ? layer.Weights[0].Shape : kernel.Shape;
        if (layer is Conv1D && kernel.Rank == 4 && kernel.Shape[1] == 1)
            kernel = Ops.Reshape(kernel, kernel.Shape[0], kernel.Shape[2], kernel.Shape[3]);
        if (kerasVersion?.StartsWith('1') == true && conv.DataFormat == "channels_first" && kernel.Rank == 4 && kernel.Shape != expected)
            kernel = Ops.Permute(kernel, 2, 3, 1, 0);
        if (backend == "theano" && layer is Conv1D or Conv2D or Conv2DTranspose)
            kernel = Flip(kernel);
        return [kernel, .. values.Skip(1)];
    }

    /// <summary>Joins per-gate (W, U, b) triples into kernel, recurrent kernel and bias, gates in <paramref name="order"/>.</summary>
    private static List<Tensor> Gates(List<Tensor> v, int[] order) =>
    [
        Ops.Concatenate(order.Select(g => v[3 * g]), 1),
        Ops.Concatenate(order.Select(g => v[3 * g + 1]), 1),
        Ops.Concatenate(order.Select(g => v[3 * g + 2]), 0),
    ];

    /// <summary>Reverses the spatial axes (all but the last two).</summary>
    private static Tensor Flip(Tensor k)
    {
        for (int axis = 0; axis < k.Rank - 2; axis++)
            k = Ops.Gather(k, Enumerable.Range(0, k.Shape[axis]).Reverse().ToArray(), axis);
        return k;
    }

    /// <summary>
    /// A layer's weights in the order of Keras's legacy HDF5 files (<c>_legacy_weights</c>): trainable
    /// ones, then the others. For a plain layer that is its <see cref="Layer.Weights"/> order; for a
    /// nested model it gathers every layer's trainable weights first.
    /// </summary>
    public static IReadOnlyList<Variable> LegacyOrder(Layer layer) =>
        layer.TrainableWeights.Concat(layer.NonTrainableWeights).Distinct().ToList();

    /// <summary>
    /// The weights to write, with the scope Keras uses in weight names: the owning layer's name, or,
    /// where two sublayers share a name (the cells of a Bidirectional's two RNNs), the path of sublayer
    /// names that tells them apart, as Keras's name scopes do; one name would otherwise hold both.
    /// </summary>
    public static IEnumerable<(string Scope, string Name, Tensor Value)> ToFile(Layer layer)
    {
        var order = LegacyOrder(layer);
        if (order.GroupBy(v => v.Path).All(g => g.Count() == 1)) return order.Select(v => (v.Owner.Name, v.Name, v.Value));
        var scopes = new Dictionary<Variable, string>(ReferenceEqualityComparer.Instance);
        void Walk(Layer l, string prefix)
        {
            foreach (var w in l.Weights) if (ReferenceEquals(w.Owner, l)) scopes.TryAdd(w, prefix + l.Name);
            foreach (var sub in l.SubLayers) Walk(sub, prefix + l.Name + "/");
        }
        foreach (var w in layer.Weights) if (ReferenceEquals(w.Owner, layer)) scopes.TryAdd(w, layer.Name);
        foreach (var sub in layer.SubLayers) Walk(sub, "");
        return order.Select(v => (scopes.GetValueOrDefault(v, v.Owner.Name), v.Name, v.Value));
    }
}
