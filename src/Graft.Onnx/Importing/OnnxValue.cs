using Graft.Models;

namespace Graft.Onnx.Importing;

/// <summary>
/// What an ONNX value name stands for during import: a constant, or a symbolic tensor of the Graft graph.
/// A symbolic rank-4 value may be held channels-last (Graft's fast layout): its Graft tensor is then the
/// ONNX (NCHW) tensor transposed to NHWC.
/// </summary>
internal sealed class OnnxValue
{
    private OnnxValue(OnnxConstant? constant, SymbolicTensor? symbol, bool channelsLast, bool nonNegative)
    {
        Constant = constant; Symbol = symbol; ChannelsLast = channelsLast; NonNegative = nonNegative;
    }

    public static OnnxValue Of(OnnxConstant constant) => new(constant, null, false, false);

    public static OnnxValue Of(SymbolicTensor symbol, bool channelsLast, bool nonNegative = false) => new(null, symbol, channelsLast, nonNegative);

    public OnnxConstant? Constant { get; }
    public SymbolicTensor? Symbol { get; }

    /// <summary>The Graft tensor is the ONNX tensor with its channel axis moved last.</summary>
    public bool ChannelsLast { get; }

    /// <summary>Known to hold no negative value (after Relu): zero padding then equals ONNX's -inf padding for MaxPool.</summary>
    public bool NonNegative { get; }

    /// <summary>This value in ONNX's layout, once made (a transpose is added once per value).</summary>
    public SymbolicTensor? OnnxLayoutCache { get; set; }

    /// <summary>Records the tensor that already holds this value in ONNX's layout.</summary>
    public OnnxValue WithOnnxLayout(SymbolicTensor symbol) { OnnxLayoutCache = symbol; return this; }

    /// <summary>This value channels-last, once made.</summary>
    public SymbolicTensor? ChannelsLastCache { get; set; }

    /// <summary>The shape in ONNX's layout, batch axis null.</summary>
    public int?[] OnnxShape
    {
        get
        {
            var s = Symbol!.Shape;
            return ChannelsLast ? [s[0], s[^1], .. s[1..^1]] : s;
        }
    }
}
