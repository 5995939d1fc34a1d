using Graft.Tensors;

namespace Graft.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Matrix product over the last two axes, like <c>np.matmul</c>: (…, M, K) × (…, K, N) → (…, M, N).
    /// Leading (batch) dimensions must be equal, or one operand must be a plain matrix; a rank-3+
    /// input times a matrix (a Dense layer on sequences) runs as one large GEMM.
    /// </summary>
    /// <exception cref="ArgumentException">The inner dimensions disagree, or the batch dimensions do.</exception>
    public static Tensor MatMul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false)
    {
        if (a.Rank < 2 || b.Rank < 2)
            throw new ArgumentException($"MatMul: expected operands of rank 2 or more, got {a.Shape} x {b.Shape}.");
        int m = transposeA ? a.Shape[^1] : a.Shape[^2], ka = transposeA ? a.Shape[^2] : a.Shape[^1];
        int kb = transposeB ? b.Shape[^1] : b.Shape[^2], n = transposeB ? b.Shape[^2] : b.Shape[^1];
        if (ka != kb)
            throw new ArgumentException($"MatMul: expected inner dimensions to agree, got {a.Shape}{(transposeA ? "ᵀ" : "")} x {b.Shape}{(transposeB ? "ᵀ" : "")}.");

        // (…, M, K) × (K, N): fold the batch into M.
        if (a.Rank > 2 && b.Rank == 2 && !transposeA)
        {
            var flat = Reshape(a, -1, ka);
            var r = MatMul(flat, b, false, transposeB);
            var dims = a.Shape.ToArray(); dims[^1] = n;
            return Reshape(r, dims);
        }

        var aBatch = a.Shape.Dims[..^2]; var bBatch = b.Shape.Dims[..^2];
        int[] batch;
        if (aBatch.AsSpan().SequenceEqual(bBatch) || bBatch.Length == 0) batch = aBatch;
        else if (aBatch.Length == 0) batch = bBatch;
        else throw new ArgumentException($"MatMul: expected equal batch dimensions (or a plain matrix), got {a.Shape} x {b.Shape}.");

        var c = Tensor.Empty(Shape.Wrap([.. batch, m, n]), zero: false, a.Device);
        a.Backend.MatMul(a, transposeA, b, transposeB, c, accumulate: false);
        if (!Tensor.NeedsGrad(a, b)) return c;
        return Tensor.Record(c, "MatMul", g =>
        {
            // C = A·B:  dA = dC·Bᵀ,  dB = Aᵀ·dC  (with the transposes folded in).
            if (a.RequiresGrad)
            {
                var ga = transposeA ? MatMul(b, g, transposeB, true) : MatMul(g, b, false, !transposeB);
                a.AccumulateGrad(SumToShape(ga, a.Shape));
            }
            if (b.RequiresGrad)
            {
                var gb = transposeB ? MatMul(g, a, true, transposeA) : MatMul(a, g, !transposeA, false);
                b.AccumulateGrad(SumToShape(gb, b.Shape));
            }
        }, a, b);
    }
}
