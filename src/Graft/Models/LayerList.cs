using System.Collections;
using Graft.Layers;

namespace Graft.Models;

/// <summary>
/// A model's layers, indexable as in Python: <c>model.Layers[^1]</c> is the last layer and
/// <c>model.Layers[..^1]</c> all but the last. A slice holds the same layer objects, so a new
/// model built from it shares their weights (Keras's <c>model.layers[:-1]</c>).
/// </summary>
public sealed class LayerList : IReadOnlyList<Layer>
{
    private readonly List<Layer> _layers;

    internal LayerList(IEnumerable<Layer> layers) => _layers = layers.ToList();

    /// <summary>Number of layers.</summary>
    public int Count => _layers.Count;

    /// <summary>The layer at <paramref name="index"/> (use <c>^1</c> for the last).</summary>
    public Layer this[int index] => index >= 0 && index < _layers.Count ? _layers[index]
        : throw new ArgumentOutOfRangeException(nameof(index), $"Model.Layers: expected an index in [0, {_layers.Count - 1}], got {index}.");

    /// <summary>A slice (the compiler's target for <c>Layers[a..b]</c>); the same layer objects.</summary>
    public LayerList Slice(int start, int length) => new(_layers.GetRange(start, length));

    /// <summary>The layer named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No layer has that name; the message lists them.</exception>
    public Layer this[string name] => _layers.FirstOrDefault(l => l.Name == name)
        ?? throw new ArgumentException($"Model.Layers: expected a layer name among {string.Join(", ", _layers.Select(l => l.Name))}; got '{name}'.");

    /// <inheritdoc/>
    public IEnumerator<Layer> GetEnumerator() => _layers.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
