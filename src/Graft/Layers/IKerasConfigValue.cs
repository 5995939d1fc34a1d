using System.Text.Json.Nodes;

namespace Graft.Layers;

/// <summary>
/// A value type of layer options with its own Keras config form (a size per axis, margins, an
/// augmentation factor): how it is written, and how the layer config reader takes it.
/// </summary>
internal interface IKerasConfigValue
{
    /// <summary>Keras's form of the value.</summary>
    JsonNode ToJson();
}

/// <summary>The reading half of <see cref="IKerasConfigValue"/>.</summary>
/// <typeparam name="TSelf">The value type.</typeparam>
internal interface IKerasConfigValue<TSelf> : IKerasConfigValue where TSelf : IKerasConfigValue<TSelf>
{
    /// <summary>The forms Keras writes, for error messages (<c>"an integer or a list of integers"</c>).</summary>
    static abstract string Expected { get; }

    /// <summary>The value of a Keras config entry.</summary>
    /// <exception cref="FormatException">The entry has another form.</exception>
    static abstract TSelf FromJson(JsonNode node);
}
