using Google.Protobuf;
using Graft.Models;
using Graft.Saving;
using Onnx;

namespace Graft.Onnx;

/// <summary>
/// Reads ONNX models (opsets 7 to 21) into ordinary Graft functional models: one layer per ONNX node, named
/// after it, built from Keras's layers (Conv2D, BatchNormalization, Dense, pooling, merges, activations)
/// wherever one computes what the node does. The model takes and returns arrays in the ONNX model's own
/// layout (NCHW for images) and computes channels-last inside. Initializers become weights: kernels, biases
/// and BatchNormalization's scale and offset are trainable, its moving statistics are not. Cut it with
/// <c>GetLayer(name).Output</c>, freeze it, add a head, fine-tune it, and save it as <c>.keras</c> or <c>.h5</c>.
/// <c>Model.Load("model.onnx")</c> calls <see cref="Load"/> when this package is referenced.
/// </summary>
public static class OnnxImporter
{
    /// <summary>The lowest ONNX opset Graft imports.</summary>
    public const int MinOpset = 7;

    /// <summary>The highest ONNX opset Graft imports.</summary>
    public const int MaxOpset = 21;

    /// <summary>Reads the ONNX model in <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="ModelFormatException">The file is not a well-formed ONNX model; the message names the file.</exception>
    /// <exception cref="NotSupportedException">The model uses an operator, attribute or opset Graft does not import; the message names the operator, node and opset.</exception>
    public static Model Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX import: expected an ONNX model at {Path.GetFullPath(path)}, got no such file.", path);
        ModelProto model;
        try { model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)); }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelFormatException(path, "/", $"expected an ONNX model (a protobuf ModelProto), got bytes that do not parse as one ({e.Message}).", e);
        }
        return Import(model, path);
    }

    /// <summary>Builds the Graft model for a parsed ONNX model; <paramref name="source"/> names it in messages.</summary>
    internal static Model Import(ModelProto model, string source)
    {
        if (model.Graph is null || model.Graph.Node.Count == 0)
            throw new ModelFormatException(source, "graph", "expected an ONNX graph with nodes, got none.");
        var defaultDomain = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")
            ?? throw new ModelFormatException(source, "opset_import", "expected an opset for the default ONNX domain, got none.");
        int opset = (int)defaultDomain.Version;
        if (opset < MinOpset || opset > MaxOpset)
            throw new NotSupportedException($"ONNX model {source}: expected opset {MinOpset} to {MaxOpset}, got opset {opset}. Convert it with onnx.version_converter.convert_version(model, {Math.Clamp(opset, MinOpset, MaxOpset)}).");
        return new Importing.OnnxGraphBuilder(source, opset).Build(model.Graph);
    }
}
