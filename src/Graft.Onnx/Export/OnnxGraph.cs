using Google.Protobuf;
using Onnx;

namespace Graft.Onnx.Export;

/// <summary>
/// Builds one ONNX graph: unique value names, nodes with typed attributes, and initializers
/// (weights and constants). Also builds the body graph of a Scan, whose nodes may read the outer
/// graph's initializers by name.
/// </summary>
internal sealed class OnnxGraph
{
    private readonly HashSet<string> _names;
    private readonly OnnxGraph? _outer;
    private int _nodes;

    public OnnxGraph(string name, OnnxGraph? outer = null)
    {
        Proto = new GraphProto { Name = name };
        _outer = outer;
        // A body graph shares the outer graph's names: it may read outer values, so it must not shadow them.
        _names = outer?._names ?? new HashSet<string>(StringComparer.Ordinal);
    }

    public GraphProto Proto { get; }

    /// <summary>Claims <paramref name="name"/> as it is (a graph input or output name); false when taken.</summary>
    public bool Reserve(string name) => _names.Add(name);

    /// <summary>A value name not used yet, built from <paramref name="hint"/>.</summary>
    public string Fresh(string hint)
    {
        if (_names.Add(hint)) return hint;
        for (int k = 1; ; k++)
            if (_names.Add($"{hint}_{k}")) return $"{hint}_{k}";
    }

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Op(string opType, string hint, IEnumerable<string> inputs, params (string Name, object Value)[] attributes) =>
        OpN(opType, hint, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputs"/> outputs and returns their names.</summary>
    public string[] OpN(string opType, string hint, IEnumerable<string> inputs, int outputs, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{hint}/{opType}_{_nodes++}" };
        node.Input.AddRange(inputs);
        var names = Enumerable.Range(0, outputs).Select(i => Fresh($"{hint}/{opType}{(outputs > 1 ? $"_{i}" : "")}")).ToArray();
        node.Output.AddRange(names);
        foreach (var (name, value) in attributes) node.Attribute.Add(Attribute(name, value));
        Proto.Node.Add(node);
        return names;
    }

    /// <summary>A float initializer of shape <paramref name="dims"/>.</summary>
    public string Floats(string hint, float[] values, params int[] dims)
    {
        var root = Root;
        var t = new TensorProto { Name = root.Fresh(hint), DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims.Select(d => (long)d));
        // Raw little-endian bytes: the compact form, and what ONNX Runtime reads fastest.
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX export: expected a little-endian machine, got a big-endian one.");
        t.RawData = ByteString.CopyFrom(bytes);
        root.Proto.Initializer.Add(t);
        return t.Name;
    }

    /// <summary>A float scalar initializer.</summary>
    public string Scalar(string hint, float value) => Floats(hint, [value]);

    /// <summary>An int64 initializer (a 1-D list unless <paramref name="scalar"/>): shapes, axes, indices.</summary>
    public string Ints(string hint, long[] values, bool scalar = false)
    {
        var root = Root;
        var t = new TensorProto { Name = root.Fresh(hint), DataType = (int)TensorProto.Types.DataType.Int64 };
        if (!scalar) t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        root.Proto.Initializer.Add(t);
        return t.Name;
    }

    private OnnxGraph Root => _outer?.Root ?? this;

    private static AttributeProto Attribute(string name, object value)
    {
        var a = new AttributeProto { Name = name };
        switch (value)
        {
            case int i: a.Type = AttributeProto.Types.AttributeType.Int; a.I = i; break;
            case long l: a.Type = AttributeProto.Types.AttributeType.Int; a.I = l; break;
            case float f: a.Type = AttributeProto.Types.AttributeType.Float; a.F = f; break;
            case string s: a.Type = AttributeProto.Types.AttributeType.String; a.S = ByteString.CopyFromUtf8(s); break;
            case int[] ints: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(ints.Select(x => (long)x)); break;
            case long[] longs: a.Type = AttributeProto.Types.AttributeType.Ints; a.Ints.AddRange(longs); break;
            case float[] floats: a.Type = AttributeProto.Types.AttributeType.Floats; a.Floats.AddRange(floats); break;
            case string[] strings: a.Type = AttributeProto.Types.AttributeType.Strings; a.Strings.AddRange(strings.Select(ByteString.CopyFromUtf8)); break;
            case GraphProto g: a.Type = AttributeProto.Types.AttributeType.Graph; a.G = g; break;
            default: throw new ArgumentException($"ONNX attribute '{name}': expected int, float, string, lists of them or a graph, got {value.GetType().Name}.");
        }
        return a;
    }

    /// <summary>A float tensor value description: dims known or null (unknown), <paramref name="batchParam"/> naming the first.</summary>
    public static ValueInfoProto FloatInfo(string name, int?[] shape, string? batchParam)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = new TensorShapeProto() };
        for (int i = 0; i < shape.Length; i++)
        {
            var d = new TensorShapeProto.Types.Dimension();
            if (shape[i] is int v && !(i == 0 && batchParam is not null)) d.DimValue = v;
            else if (i == 0 && batchParam is not null) d.DimParam = batchParam;
            tensor.Shape.Dim.Add(d);
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }
}
