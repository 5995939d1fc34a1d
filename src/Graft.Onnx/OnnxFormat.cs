namespace Graft.Onnx;

/// <summary>Placeholder so the project builds; replaced by the ONNX importer.</summary>
internal static class OnnxFormat
{
    /// <summary>The file extension ONNX models use.</summary>
    public const string Extension = ".onnx";
}
