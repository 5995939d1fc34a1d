using Graft.Layers;
using Graft.Models;

namespace Graft.Saving;

/// <summary>
/// Checks the shapes a model built from a config infers, before it runs: every known dimension of
/// every layer's output is at least 1, and one sample of it holds at most <see cref="MaxValuesPerSample"/>
/// values. A config with sizes
/// that cannot work (a pool larger than its input, an upsampling that overflows) then fails at
/// load, naming the layer, instead of at the first Predict.
/// </summary>
internal static class ShapeCheck
{
    /// <summary>
    /// The most values one sample of one tensor may hold in a model built from a config: 2^29
    /// (2 GiB of float32). Far above any model Graft runs on a CPU, and low enough that a file
    /// claiming a 10^9-step input fails at load rather than exhausting memory at the first Predict.
    /// </summary>
    public const long MaxValuesPerSample = 1L << 29;

    /// <exception cref="ArgumentException">A layer's output shape is impossible; the message names the layer.</exception>
    public static void Validate(Model model)
    {
        if (model.Graph is { } graph)
        {
            foreach (var input in graph.Inputs) Check(input.Layer, input.Shape, "input");
            foreach (var node in graph.Nodes)
            {
                foreach (var output in node.Outputs) Check(node.Layer, output.Shape, "output");
                if (node.Layer is Model inner) Validate(inner);
            }
        }
        else if (model is Sequential && model.BuiltInputShape is { } shape)
        {
            Check(model, shape, "input");
            foreach (var layer in model.Layers)
            {
                shape = layer.ComputeOutputShape(shape);
                Check(layer, shape, "output");
                if (layer is Model inner) Validate(inner);
            }
        }
    }

    private static void Check(Layer layer, int?[] shape, string what)
    {
        long n = 1;
        for (int i = 1; i < shape.Length; i++)
        {
            if (shape[i] is not { } d) continue;
            if (d < 1) throw new ArgumentException($"{layer.ClassName} '{layer.Name}': expected an {what} shape of positive dimensions, got {Layer.FormatShape(shape)}. Its configuration does not fit its input.");
            n = Math.Min(n * d, long.MaxValue / int.MaxValue);
        }
        if (n > MaxValuesPerSample)
            throw new ArgumentException($"{layer.ClassName} '{layer.Name}': expected an {what} of at most {MaxValuesPerSample} values per sample, got shape {Layer.FormatShape(shape)}.");
    }
}
