using Graft.Saving;

namespace Graft.Onnx.Layers;

/// <summary>
/// Registers the layers of imported ONNX models that Keras lacks, so that a model imported from ONNX and
/// saved as <c>.keras</c> or <c>.h5</c> loads back (in Graft, with Graft.Onnx referenced). Each declares its
/// config through its constructor, as every Graft layer does.
/// </summary>
internal static class OnnxLayers
{
    private static int s_registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref s_registered, 1) == 1) return;
        LayerRegistry.Register<OnnxConstantOp>();
        LayerRegistry.Register<OnnxUnaryOp>();
        LayerRegistry.Register<OnnxBinaryOp>();
        LayerRegistry.Register<OnnxSlice>();
        LayerRegistry.Register<OnnxGather>();
        LayerRegistry.Register<OnnxPad>();
        LayerRegistry.Register<OnnxAveragePool>();
        LayerRegistry.Register<OnnxLrn>();
        LayerRegistry.Register<OnnxReduce>();
        LayerRegistry.Register<OnnxResize>();
    }

    internal static string Format(int[] values) => $"({string.Join(", ", values)})";
}
