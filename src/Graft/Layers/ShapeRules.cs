namespace Graft.Layers;

/// <summary>
/// Checks for shape inference: the input's rank, and output dimensions computed in 64 bits and
/// kept within [1, int.MaxValue], so that a configuration that cannot fit its input (a pool larger
/// than the input, a factor that overflows) is an error naming the layer before anything runs.
/// </summary>
internal static class ShapeRules
{
    /// <exception cref="ArgumentException">The input's rank differs.</exception>
    public static void Rank(Layer layer, int?[] input, int rank, string layout = "")
    {
        if (input.Length != rank)
            throw new ArgumentException($"{layer.Describe()}: expected input of rank {rank}{layout}, got shape {Layer.FormatShape(input)}.");
    }

    /// <summary>An output dimension (null when unknown).</summary>
    /// <exception cref="ArgumentException">It is below 1 or above int.MaxValue; the message says what the layer's <paramref name="what"/> was.</exception>
    public static int? Dim(Layer layer, long? value, int?[] input, string what)
    {
        if (value is not { } v) return null;
        if (v < 1 || v > int.MaxValue)
            throw new ArgumentException($"{layer.Describe()}: expected output dimensions from 1 to {int.MaxValue}, got {v} for input shape {Layer.FormatShape(input)} and {what}.");
        return (int)v;
    }

    /// <summary>The product of the known dimensions from <paramref name="from"/> on, or null if any is unknown; saturates above int.MaxValue.</summary>
    public static long? Product(int?[] shape, int from)
    {
        long p = 1;
        for (int i = from; i < shape.Length; i++)
        {
            if (shape[i] is not { } d) return null;
            p = Math.Min(p * d, long.MaxValue / int.MaxValue);
        }
        return p;
    }
}
