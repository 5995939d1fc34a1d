namespace Graft.Tests.Testing;

/// <summary>
/// Keras's GRU with <c>reset_after=True</c> (the Keras 2.x/3 default), tanh and sigmoid, as plain
/// loops in double precision over weights read straight from a file. Kernel columns hold the
/// update (z), reset (r) and candidate (h) gates in that order; the bias has an input row and a
/// recurrent row. Keras: keras/src/layers/rnn/gru.py (GRUCell.call).
/// </summary>
public static class ReferenceGru
{
    /// <summary>
    /// Runs one sample's sequence <paramref name="x"/> (steps × inputs) through the layer; returns
    /// every step's output (steps × units) or only the last (units).
    /// </summary>
    public static double[] Run(double[] x, int inputs, float[] kernel, float[] recurrent, float[] bias, bool returnSequences)
    {
        int units = bias.Length / 6, steps = x.Length / inputs, g3 = 3 * units;
        Assert.Equal(inputs * g3, kernel.Length);
        Assert.Equal(units * g3, recurrent.Length);
        var h = new double[units];
        var outputs = new List<double>();
        var xw = new double[g3];
        var hu = new double[g3];
        for (int t = 0; t < steps; t++)
        {
            for (int j = 0; j < g3; j++)
            {
                double a = bias[j], b = bias[g3 + j];
                for (int i = 0; i < inputs; i++) a += x[t * inputs + i] * kernel[i * g3 + j];
                for (int i = 0; i < units; i++) b += h[i] * recurrent[i * g3 + j];
                (xw[j], hu[j]) = (a, b);
            }
            var next = new double[units];
            for (int u = 0; u < units; u++)
            {
                double z = Sigmoid(xw[u] + hu[u]);
                double r = Sigmoid(xw[units + u] + hu[units + u]);
                double candidate = Math.Tanh(xw[2 * units + u] + r * hu[2 * units + u]);
                next[u] = z * h[u] + (1 - z) * candidate;
            }
            h = next;
            if (returnSequences) outputs.AddRange(h);
        }
        return returnSequences ? outputs.ToArray() : h;
    }

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
}
