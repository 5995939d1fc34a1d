using System.Text.Json.Nodes;
using Graft.Initializers;
using Graft.Tensors;

namespace Graft.Onnx.Importing;

/// <summary>
/// Gives a layer the file's weight at its first build, instead of drawing random values that the import
/// would overwrite at once (drawing ResNet18's 16M kernel values cost more than the rest of the import).
/// It writes itself as <see cref="StandsFor"/>, the layer's Keras default, so the imported model's config
/// reads as Keras's own and a clone (rebuilt from the config) starts from fresh random values, as in Keras.
/// </summary>
internal sealed class FileWeights(Tensor value, Initializer standsFor) : Initializer
{
    private Tensor? _value = value;

    public Initializer StandsFor { get; } = standsFor;

    public override string ClassName => StandsFor.ClassName;

    public override JsonObject GetConfig() => StandsFor.GetConfig();

    public override Tensor Call(int[] shape)
    {
        // Only the first build takes the file's tensor: the weight then owns it.
        var v = Interlocked.Exchange(ref _value, null);
        if (v is null) return StandsFor.Call(shape);
        if (!v.Shape.SequenceEqual(shape))
            throw new InvalidOperationException($"ONNX import: expected a weight of shape ({string.Join(", ", v.Shape)}), got a layer asking for ({string.Join(", ", shape)}).");
        return v;
    }
}
