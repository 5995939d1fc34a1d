using Graft.Tensors;

namespace Graft.Initializers;

/// <summary>
/// A (semi-)orthogonal matrix times <see cref="Gain"/>: the Q of a QR decomposition of a normal
/// sample, its columns' signs fixed by R's diagonal (Keras's recipe). Higher-rank shapes are
/// flattened to (∏ shape[:-1], shape[-1]).
/// </summary>
public sealed class Orthogonal(float gain = 1f) : Initializer
{
    /// <summary>Multiplier of the orthogonal matrix.</summary>
    public float Gain { get; } = gain;

    /// <inheritdoc/>
    public override Tensor Call(int[] shape)
    {
        if (shape.Length < 2) throw new ArgumentException($"Orthogonal: expected a shape of rank 2 or more, got {Shape.Format(shape)}.");
        int cols = shape[^1], rows = new Shape(shape).Size / cols;
        // QR of the taller orientation, transposed back if needed.
        int m = Math.Max(rows, cols), n = Math.Min(rows, cols);
        var g = Generator;
        var a = new double[m, n];
        for (int i = 0; i < m; i++) for (int j = 0; j < n; j++) a[i, j] = g.NextNormal();
        var q = ModifiedGramSchmidt(a, m, n);
        var result = new float[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                result[i * cols + j] = Gain * (float)(rows >= cols ? q[i, j] : q[j, i]);
        return Tensor.FromArray(result, shape);
    }

    /// <summary>Orthonormal columns of a (m ≥ n); each column's sign follows R's positive diagonal.</summary>
    private static double[,] ModifiedGramSchmidt(double[,] a, int m, int n)
    {
        var q = (double[,])a.Clone();
        for (int j = 0; j < n; j++)
        {
            for (int k = 0; k < j; k++)
            {
                double dot = 0;
                for (int i = 0; i < m; i++) dot += q[i, k] * q[i, j];
                for (int i = 0; i < m; i++) q[i, j] -= dot * q[i, k];
            }
            double norm = 0;
            for (int i = 0; i < m; i++) norm += q[i, j] * q[i, j];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < m; i++) q[i, j] /= norm;
        }
        return q;
    }

    /// <inheritdoc/>
    public override System.Text.Json.Nodes.JsonObject GetConfig() { var c = base.GetConfig(); c["gain"] = Gain; return c; }
}
