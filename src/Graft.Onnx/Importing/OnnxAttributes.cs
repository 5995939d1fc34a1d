using Onnx;

namespace Graft.Onnx.Importing;

/// <summary>Reads a node's attributes by name, with ONNX's defaults.</summary>
internal static class OnnxAttributes
{
    public static AttributeProto? Attribute(this NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    public static bool Has(this NodeProto node, string name) => node.Attribute(name) is not null;

    public static long Int(this NodeProto node, string name, long fallback) => node.Attribute(name) is { } a ? a.I : fallback;

    public static float Float(this NodeProto node, string name, float fallback) => node.Attribute(name) is { } a ? a.F : fallback;

    public static string String(this NodeProto node, string name, string fallback) => node.Attribute(name) is { } a ? a.S.ToStringUtf8() : fallback;

    public static long[]? Ints(this NodeProto node, string name) => node.Attribute(name) is { } a ? a.Ints.ToArray() : null;

    public static float[]? Floats(this NodeProto node, string name) => node.Attribute(name) is { } a ? a.Floats.ToArray() : null;

    /// <summary>The node's name for messages and layer names: its own, else its first output's.</summary>
    public static string Label(this NodeProto node) =>
        node.Name.Length > 0 ? node.Name : node.Output.FirstOrDefault(o => o.Length > 0) ?? node.OpType;
}
