namespace Graft.Onnx;

/// <summary>Registers the layers of imported ONNX models that Keras lacks, so their .keras files load.</summary>
internal static class OnnxLayers
{
    public static void Register() { }
}
