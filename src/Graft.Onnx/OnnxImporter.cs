using Graft.Models;

namespace Graft.Onnx;

/// <summary>Reads ONNX models into Graft functional models.</summary>
public static class OnnxImporter
{
    /// <summary>Reads the ONNX model in <paramref name="path"/>.</summary>
    public static Model Load(string path) => throw new NotSupportedException($"ONNX import of '{path}': not available yet.");
}
