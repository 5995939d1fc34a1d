using Graft.Tensors;
using Graft.Tensors.Backends;
using Graft.Tensors.Kernels;

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

        var c = Tensor.Empty(Shape.Wrap([.. batch, m, n]), zero: false, Tensor.SameDevice("MatMul", a, b));
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

    /// <summary>
    /// x · w + b in one pass: the output starts as b broadcast over the rows and the product is
    /// accumulated into it (a Dense layer's affine part). x (…, K), w (K, N), b (N) or null.
    /// </summary>
    public static Tensor MatMulAdd(Tensor x, Tensor w, Tensor? b)
    {
        if (b is null) return MatMul(x, w);
        if (w.Rank != 2 || b.Rank != 1 || b.Shape[0] != w.Shape[1])
            throw new ArgumentException($"MatMulAdd: expected a kernel (K, N) and a bias (N), got {w.Shape} and {b.Shape}.");
        if (x.Rank < 2 || x.Shape[^1] != w.Shape[0])
            throw new ArgumentException($"MatMulAdd: expected inner dimensions to agree, got {x.Shape} x {w.Shape}.");
        var x2 = x.Rank == 2 ? x : Reshape(x, -1, x.Shape[^1]);
        int rows = x2.Shape[0], n = w.Shape[1];
        var y = Tensor.Empty(Shape.Wrap([rows, n]), zero: false, Tensor.SameDevice("MatMulAdd", x, w, b));
        var backend = x.Backend;
        backend.Binary(Tensors.Backends.BinaryOp.Add, b, Tensor.Scalar(0f, x.Device), y);   // every row = b
        backend.MatMul(x2, false, w, false, y, accumulate: true);
        var result = y;
        if (Tensor.NeedsGrad(x2) || Tensor.NeedsGrad(w, b))
        {
            result = Tensor.Record(y, "MatMulAdd", g =>
            {
                // y = x·w + b:  dx = g·wᵀ,  dw = xᵀ·g,  db = Σ_rows g
                if (x2.RequiresGrad) x2.AccumulateGrad(MatMul(g, w, false, true));
                if (w.RequiresGrad) w.AccumulateGrad(MatMul(x2, g, true, false));
                if (b.RequiresGrad) b.AccumulateGrad(SumToShape(g, b.Shape));
            }, x2, w, b);
        }
        return x.Rank == 2 ? result : Reshape(result, [.. x.Shape.Dims[..^1], n]);
    }

    /// <summary>
    /// A Dense layer's computation, activation(x · w + b), fused into one GEMM pass when the
    /// activation is linear, relu or selu (bias and activation are applied as each output tile is
    /// finished); other activations run as a separate op. The gradient of the fused activations is
    /// computed from the output alone (y &gt; 0 exactly when x·w + b &gt; 0).
    /// </summary>
    public static Tensor Dense(Tensor x, Tensor w, Tensor? b, Activations.ActivationFunction activation)
    {
        var act = activation.Name switch
        {
            "linear" => EpilogueActivation.None,
            "relu" => EpilogueActivation.Relu,
            "selu" => EpilogueActivation.Selu,
            _ => (EpilogueActivation?)null,
        };
        Tensor.SameDevice("Dense", x, w, b);
        // Without a fused kernel (or for another activation) the product, bias and activation are separate ops.
        if (act is null || x.Backend is not IFusedDense fused || x.Rank < 2 || w.Rank != 2 || x.Shape[^1] != w.Shape[0] || (b is not null && (b.Rank != 1 || b.Shape[0] != w.Shape[1])))
            return activation.Call(MatMulAdd(x, w, b));
        var x2 = x.Rank == 2 ? x : Reshape(x, -1, x.Shape[^1]);
        int n = w.Shape[1];
        var y = Tensor.Empty(Shape.Wrap([x2.Shape[0], n]), zero: false, Tensor.SameDevice("Dense", x, w, b));
        fused.Dense(x2, w, b, act.Value, y);
        var result = y;
        if (Tensor.NeedsGrad(x2) || Tensor.NeedsGrad(w) || (b is not null && Tensor.NeedsGrad(b)))
        {
            Tensor[] inputs = b is null ? [x2, w] : [x2, w, b];
            result = Tensor.Record(y, "Dense", g =>
            {
                var gz = g;
                bool biasGrad = b is not null && b.RequiresGrad;
                if (act != EpilogueActivation.None)
                {
                    gz = Tensor.Empty(y.Shape, zero: false, y.Device);
                    // relu' and selu' from y: y > 0 exactly where the pre-activation is; the bias
                    // gradient (column sums) comes out of the same pass.
                    var op = act == EpilogueActivation.Relu ? UnaryOp.Relu : UnaryOp.Selu;
                    if (biasGrad)
                    {
                        var gb = Tensor.Empty(b!.Shape, zero: false, y.Device);
                        y.Backend.UnaryBackwardWithColumnSums(op, y, y, g, gz, gb, 0f, float.NaN);
                        b.AccumulateGrad(gb);
                        biasGrad = false;
                    }
                    else y.Backend.UnaryBackward(op, y, y, g, gz, 0f, float.NaN);
                }
                if (x2.RequiresGrad)
                {
                    var gx = Tensor.Empty(x2.Shape, zero: false, y.Device);
                    fused.DenseInputGradient(gz, w, gx);
                    x2.AccumulateGrad(gx);
                }
                // After x's gradient, which reads w: an update applied here changes w.
                if (w.RequiresGrad)
                {
                    if (WeightUpdates.Take(w) is { } update && w.Backend is IFusedWeightUpdate fusedUpdate && fusedUpdate.DenseWeightUpdate(x2, gz, update))
                        WeightUpdates.Applied(w);
                    else w.AccumulateGrad(MatMul(x2, gz, true, false));
                }
                if (biasGrad) b!.AccumulateGrad(SumToShape(gz, b.Shape));
            }, inputs);
        }
        return x.Rank == 2 ? result : Reshape(result, [.. x.Shape.Dims[..^1], n]);
    }
}
