using System.Text.Json.Nodes;
using Graft.Tensors;

namespace Graft.Layers.Core;

/// <summary>
/// Declares the shape of one sample (Keras's <c>InputLayer</c> / <c>keras.Input</c>): a model that
/// starts with it is built at once. It passes its input through unchanged.
/// </summary>
public sealed class InputLayer : Layer, IKerasConfigForms
{
    /// <param name="shape">Shape of one sample, without the batch axis (e.g. <c>[28, 28]</c>); −1 marks a dimension of any size (Keras's None).</param>
    /// <param name="name">Layer name; defaults to <c>input_layer</c>, <c>input_layer_1</c>, …</param>
    public InputLayer(int[] shape, string? name = null) : base(name, shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Build([null, .. shape.Select(d => d < 0 ? null : (int?)d)]);
        Models.FunctionalGraph.InputNode(this);
    }

    /// <summary>The per-sample shape.</summary>
    public int[] Shape => DeclaredInputShape!;

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor inputs, bool training)
    {
        if (inputs.Rank != Shape.Length + 1 || Shape.Where((d, i) => d >= 0 && d != inputs.Shape[i + 1]).Any())
            throw new ArgumentException($"{Describe()}: expected input of shape {FormatShape(BuiltInputShape!)}, got {inputs.Shape}.");
        return inputs;
    }

    /// <summary>The config's shape (Keras 3's <c>batch_shape</c>, Keras 2's <c>batch_input_shape</c>) without its batch axis, as <c>shape</c>.</summary>
    static JsonObject IKerasConfigForms.Adapt(JsonObject config, string subject)
    {
        var shape = LayerConfig.InputShape(config, subject) ?? throw new FormatException($"{subject}: expected 'batch_shape' or 'batch_input_shape', got neither.");
        var c = (JsonObject)config.DeepClone();
        c["shape"] = LayerConfig.ToJson(shape);
        return c;
    }

    /// <inheritdoc/>
    public override JsonObject GetConfig() => new()
    {
        ["batch_shape"] = new JsonArray([null, .. Shape.Select(d => d < 0 ? null : (JsonNode)d)]),
        ["dtype"] = "float32", ["sparse"] = false, ["name"] = Name,
    };

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
