using Graft.Layers;
using Graft.Tensors;

namespace Graft.Models;

/// <summary>
/// A network of layers that trains as a whole (Keras's <c>keras.Model</c>): weights, cloning,
/// summaries, and the training API (<see cref="Compile"/>, <see cref="Fit"/>,
/// <see cref="Evaluate"/>, <see cref="Predict"/>). A model is itself a layer, so it can be nested.
/// </summary>
public abstract partial class Model : Layer
{
    /// <inheritdoc/>
    protected Model(string? name = null) : base(name) { }

    /// <summary>The layers, in order (Keras 3 leaves the input layer out).</summary>
    public abstract LayerList Layers { get; }

    /// <inheritdoc/>
    protected internal override IEnumerable<Layer> SubLayers => Layers;

    /// <summary>
    /// A model of the same structure with freshly initialized weights (Keras's <c>clone_model</c>);
    /// layers keep their names, as in Keras. Copy weights with <c>SetWeights(GetWeights())</c>.
    /// </summary>
    public abstract Model Clone();

    /// <summary>Keras's <c>keras.models.clone_model(model)</c>.</summary>
    public static Model CloneModel(Model model) => model.Clone();

    /// <summary>The layer named <paramref name="name"/>.</summary>
    public Layer GetLayer(string name) => Layers[name];

    /// <summary>The input shape the model expects (batch axis null), once known.</summary>
    public int?[]? InputShape => BuiltInputShape;

    /// <summary>The output shape for the built input shape, once known.</summary>
    public int?[]? OutputShape => BuiltInputShape is null ? null : ComputeOutputShape(BuiltInputShape);
}
