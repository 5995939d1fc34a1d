using Graft.Models;
using Graft.Onnx;
using Graft.Saving;

[assembly: ModelFormat(typeof(OnnxModelFormat))]

namespace Graft.Onnx;

/// <summary>
/// ONNX (<c>.onnx</c>) for <see cref="Model.Load"/> and <see cref="Model.Save"/>: with this package referenced,
/// <c>Model.Load("resnet18.onnx")</c> gives an ordinary functional model (see <see cref="OnnxImporter"/>).
/// </summary>
public sealed class OnnxModelFormat : IModelFormat
{
    /// <summary>The file extension ONNX models use.</summary>
    public const string Extension = ".onnx";

    /// <summary>Creates the format and registers the layers imported models may use, so their <c>.keras</c> files load.</summary>
    public OnnxModelFormat() => Layers.OnnxLayers.Register();

    /// <inheritdoc/>
    public IReadOnlyList<string> Extensions { get; } = [Extension];

    /// <inheritdoc/>
    /// <remarks>An ONNX file holds no training configuration: <paramref name="compile"/> has no effect.</remarks>
    public Model Load(string path, bool compile) => OnnxImporter.Load(path);

    /// <inheritdoc/>
    /// <remarks>Written by <see cref="OnnxExporter.Save"/>: opset <see cref="OnnxExporter.Opset"/>, the model's own layout and names.</remarks>
    public void Save(Model model, string path) => OnnxExporter.Save(model, path);
}
