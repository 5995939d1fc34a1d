namespace Graft.Tests.Testing;

/// <summary>
/// A stack of dense layers computed with plain loops in double precision from weights read straight
/// out of a file: the oracle that tells whether a loader put each stored array in the right layer.
/// </summary>
public static class ReferenceMlp
{
    /// <summary>One dense layer: the kernel (inputs × units, row-major as Keras stores it), the bias and the activation.</summary>
    public sealed record Layer(float[] Kernel, float[] Bias, string Activation);

    /// <summary>The outputs for <paramref name="x"/> (rows of <paramref name="inputs"/> features), row-major.</summary>
    public static float[] Predict(float[] x, int inputs, IEnumerable<Layer> layers)
    {
        int rows = x.Length / inputs;
        var h = x.Select(v => (double)v).ToArray();
        int width = inputs;
        foreach (var layer in layers)
        {
            int units = layer.Bias.Length;
            Assert.Equal(width * units, layer.Kernel.Length);
            var next = new double[rows * units];
            for (int r = 0; r < rows; r++)
            {
                for (int u = 0; u < units; u++)
                {
                    double s = layer.Bias[u];
                    for (int i = 0; i < width; i++) s += h[r * width + i] * layer.Kernel[i * units + u];
                    next[r * units + u] = s;
                }
                Activate(next.AsSpan(r * units, units), layer.Activation);
            }
            (h, width) = (next, units);
        }
        return h.Select(v => (float)v).ToArray();
    }

    private static void Activate(Span<double> row, string activation)
    {
        switch (activation)
        {
            case "linear": break;
            case "relu": for (int i = 0; i < row.Length; i++) row[i] = Math.Max(0, row[i]); break;
            case "sigmoid": for (int i = 0; i < row.Length; i++) row[i] = 1 / (1 + Math.Exp(-row[i])); break;
            case "softmax":
                double max = double.NegativeInfinity, sum = 0;
                foreach (double v in row) max = Math.Max(max, v);
                for (int i = 0; i < row.Length; i++) sum += row[i] = Math.Exp(row[i] - max);
                for (int i = 0; i < row.Length; i++) row[i] /= sum;
                break;
            default: throw new ArgumentException($"ReferenceMlp: expected linear, relu, sigmoid or softmax, got '{activation}'.");
        }
    }
}
