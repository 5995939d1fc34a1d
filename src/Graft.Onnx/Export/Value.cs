namespace Graft.Onnx.Export;

/// <summary>
/// A tensor of the exported graph: its ONNX name, its Keras shape (batch first, null where unknown),
/// and the name of its sequence mask (float, (batch, steps), 1 for a real step), when it carries one.
/// </summary>
internal sealed record Value(string Name, int?[] Shape, string? Mask = null)
{
    public int Rank => Shape.Length;
}
