using System.Text.Json.Nodes;

namespace Graft.Layers;

/// <summary>
/// A layer whose Keras config takes forms that its constructor's parameters alone do not read (a
/// shape given with its batch axis, a list where Graft takes one axis): <see cref="Adapt"/> rewrites
/// the config into the declared keys before they are read.
/// </summary>
internal interface IKerasConfigForms
{
    /// <summary>A copy of <paramref name="config"/> in the keys of the layer's constructor.</summary>
    /// <exception cref="FormatException">The config lacks what the layer needs; the message names <paramref name="subject"/>.</exception>
    static abstract JsonObject Adapt(JsonObject config, string subject);
}
