using Graft.Tensors;

namespace Graft.Autograd;

/// <summary>Numerically stable cross-entropy helpers, per sample (no reduction), as in <c>keras.ops</c>.</summary>
public static partial class Ops
{
    /// <summary>Keras's fuzz factor (<c>keras.config.epsilon()</c>) for clamping probabilities before a log.</summary>
    public const float Epsilon = 1e-7f;

    /// <summary>
    /// Binary cross-entropy per element. From probabilities: clamp to [ε, 1 − ε] then
    /// −(t·log p + (1 − t)·log(1 − p)); from logits: max(z, 0) − z·t + log(1 + e^−|z|), which never overflows.
    /// </summary>
    public static Tensor BinaryCrossEntropy(Tensor target, Tensor output, bool fromLogits = false)
    {
        CheckSameShape(target, output, "BinaryCrossEntropy");
        if (fromLogits)
            return Add(Subtract(Relu(output), Multiply(output, target)), Softplus(Negative(Abs(output))));
        var p = Clip(output, Epsilon, 1f - Epsilon);
        var pos = Multiply(target, Log(p));
        var neg = Multiply(Add(Negative(target), 1f), Log(Add(Negative(p), 1f)));
        return Negative(Add(pos, neg));
    }

    /// <summary>
    /// Categorical cross-entropy along <paramref name="axis"/>. From probabilities: renormalise,
    /// clamp to [ε, 1 − ε], −Σ t·log p (Keras's rule); from logits: −Σ t·log_softmax(z).
    /// </summary>
    public static Tensor CategoricalCrossEntropy(Tensor target, Tensor output, bool fromLogits = false, int axis = -1)
    {
        CheckSameShape(target, output, "CategoricalCrossEntropy");
        int[] ax = [axis];
        if (fromLogits) return Negative(Sum(Multiply(target, LogSoftmax(output, axis)), ax));
        var p = Divide(output, Sum(output, ax, keepDims: true));
        p = Clip(p, Epsilon, 1f - Epsilon);
        return Negative(Sum(Multiply(target, Log(p)), ax));
    }

    /// <summary>
    /// Cross-entropy against integer class ids (given as floats, shape of output without its last
    /// axis, or with a trailing 1).
    /// </summary>
    /// <exception cref="ArgumentException">A label is not an integer in [0, classes).</exception>
    public static Tensor SparseCategoricalCrossEntropy(Tensor target, Tensor output, bool fromLogits = false)
    {
        int classes = output.Shape[^1];
        if (target.Rank == output.Rank && target.Shape[^1] == 1) target = Squeeze(target, -1);
        if (!target.Shape.Dims.AsSpan().SequenceEqual(output.Shape.Dims.AsSpan(0, output.Rank - 1)))
            throw new ArgumentException($"SparseCategoricalCrossEntropy: expected class ids of shape {Shape.Format(output.Shape.Dims[..^1])} for output {output.Shape}, got {target.Shape}.");
        return CategoricalCrossEntropy(OneHot(target, classes, "SparseCategoricalCrossEntropy"), output, fromLogits);
    }

    /// <summary>One-hot rows for integer class ids: (…) → (…, depth).</summary>
    public static Tensor OneHot(Tensor ids, int depth) => OneHot(ids, depth, "OneHot");

    private static Tensor OneHot(Tensor ids, int depth, string op)
    {
        // Validated and encoded on the host: the ids are read back once (an explicit transfer).
        var src = ids.ToArray();
        for (int i = 0; i < src.Length; i++)
        {
            float v = src[i];
            if (!(v >= 0 && v < depth) || v != MathF.Floor(v))
                throw new ArgumentException($"{op}: expected integer class ids in [0, {depth - 1}], got {v} at position {i}.");
        }
        return Tensor.FromHost(Shape.Wrap([.. ids.Shape.Dims, depth]), ids.Device, d =>
        {
            d.Clear();
            for (int i = 0; i < src.Length; i++) d[i * depth + (int)src[i]] = 1f;
        });
    }

    private static void CheckSameShape(Tensor target, Tensor output, string op)
    {
        if (target.Shape != output.Shape)
            throw new ArgumentException($"{op}: expected target and output of the same shape, got {target.Shape} and {output.Shape}.");
    }
}
