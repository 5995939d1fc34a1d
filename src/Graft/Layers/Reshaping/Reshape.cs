using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Reshaping;

/// <summary>Reshapes each sample to <see cref="TargetShape"/> (one −1 is inferred), like <c>layers.Reshape</c>.</summary>
public sealed class Reshape : Layer
{
    /// <param name="targetShape">Per-sample shape, without the batch axis.</param>
    /// <param name="inputShape">Shape of one sample; builds at once.</param>
    /// <param name="name">Layer name.</param>
    public Reshape(int[] targetShape, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        if (targetShape.Count(d => d == -1) > 1 || targetShape.Any(d => d == 0 || d < -1))
            throw new ArgumentException($"Reshape: expected positive dimensions and at most one -1, got {Tensors.Shape.Format(targetShape)}.");
        TargetShape = (int[])targetShape.Clone();
    }

    /// <summary>Per-sample target shape.</summary>
    public int[] TargetShape { get; }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        int per = x.Shape[0] == 0 ? 0 : x.Size / x.Shape[0];
        int known = TargetShape.Where(d => d > 0).Aggregate(1, (a, b) => a * b);
        if (TargetShape.Contains(-1) ? per % known != 0 : per != known)
            throw new ArgumentException($"{Describe()}: expected samples of {known}{(TargetShape.Contains(-1) ? "·k" : "")} elements for target shape {Tensors.Shape.Format(TargetShape)}, got input {x.Shape}.");
        return Ops.Reshape(x, [x.Shape[0], .. TargetShape]);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s)
    {
        long? total = ShapeRules.Product(s, 1);
        long known = ShapeRules.Product([.. TargetShape.Where(d => d > 0).Select(d => (int?)d)], 0)!.Value;
        bool infer = TargetShape.Contains(-1);
        if (total is { } t && (infer ? t % known != 0 : t != known))
            throw new ArgumentException($"{Describe()}: expected samples of {known}{(infer ? "·k" : "")} elements for target shape {Tensors.Shape.Format(TargetShape)}, got input shape {FormatShape(s)}.");
        return [s[0], .. TargetShape.Select(d => d == -1 ? ShapeRules.Dim(this, total / known, s, $"target shape {Tensors.Shape.Format(TargetShape)}") : (int?)d)];
    }
}
