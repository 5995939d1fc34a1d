using Graft.Autograd;
using Graft.Initializers;
using Graft.Tensors;

namespace Graft.Layers.Normalization;

/// <summary>
/// Spectral normalization of a wrapped layer's kernel (Keras's <c>layers.SpectralNormalization</c>,
/// Miyato et al. 2018): in each training call the kernel, seen as a (…, out) matrix W, is divided by
/// its largest singular value σ, estimated by <see cref="PowerIterations"/> steps of power iteration
/// from the kept vector <c>vector_u</c> (1, out); the normalized kernel is written back into the
/// layer, as Keras assigns it, and the layer runs. In inference, or frozen, the layer runs on its kernel as is.
/// Wraps any layer with a <c>kernel</c> (Dense, convolutions) or <c>embeddings</c> (Embedding).
/// </summary>
/// <remarks>
/// Keras's step (keras/src/layers/normalization/spectral_normalization.py, <c>normalized_weights</c>):
/// v = normalize(u·Wᵀ), u = normalize(v·W), repeated; σ = v·W·uᵀ; W ← W / σ, with u and v constants
/// (no gradient flows through σ: the division is an assignment, and the layer's gradient is that of
/// the layer on the normalized kernel). An all-zero kernel is left alone. <c>normalize</c> is
/// x / √max(Σx², 10⁻¹⁴), Keras's with epsilon 10⁻⁷.
/// </remarks>
public sealed class SpectralNormalization : Layer
{
    private Variable? _vectorU, _kernel;

    /// <param name="layer">The layer whose kernel is normalized.</param>
    /// <param name="powerIterations">Power-iteration steps per training call (at least 1).</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="powerIterations"/> is below 1.</exception>
    public SpectralNormalization(Layer layer, int powerIterations = 1, string? name = null) : base(name)
    {
        Layer = layer ?? throw new ArgumentNullException(nameof(layer));
        if (powerIterations <= 0)
            throw new ArgumentOutOfRangeException(nameof(powerIterations), $"SpectralNormalization '{Name}': expected power_iterations > 0, got {powerIterations}.");
        PowerIterations = powerIterations;
    }

    /// <summary>The wrapped layer.</summary>
    public Layer Layer { get; }

    /// <summary>Power-iteration steps per training call.</summary>
    public int PowerIterations { get; }

    /// <inheritdoc/>
    protected internal override IEnumerable<Layer> SubLayers => [Layer];

    /// <inheritdoc/>
    /// <remarks>Keras 3 saves <c>vector_u</c> as the wrapper's own <c>vars/0</c> and the wrapped layer under the attribute <c>layer</c> (keras/src/layers/core/wrapper.py).</remarks>
    protected internal override IEnumerable<(string Path, Variable Weight)> KerasWeightPaths() =>
        (_vectorU is null ? [] : new[] { ("vars/0", _vectorU) }).Concat(KerasWeightPathsUnder("layer", Layer));

    /// <inheritdoc/>
    protected internal override bool TrainingMatchesInference => false;

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        Layer.EnsureBuilt(inputShape);
        _kernel = Layer.Weights.FirstOrDefault(v => v.Owner == Layer && v.Name is "kernel" or "embeddings")
            ?? throw new ArgumentException($"{Describe()}: expected a wrapped layer with a 'kernel' or 'embeddings' weight, got {Layer.Describe()} with {string.Join(", ", Layer.Weights.Select(v => $"'{v.Name}'"))}.");
        _vectorU = AddWeight("vector_u", [1, _kernel.Shape[^1]], new TruncatedNormal(0f, 0.02f), trainable: false);
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        // A frozen wrapper keeps its kernel and vector, as every frozen weight in Graft does (and as a
        // frozen BatchNormalization keeps its statistics); Keras would still assign them.
        if (training && Trainable) Normalize();
        return Layer.Call(x, training);
    }

    /// <summary>One training call's update: the power iteration, then W ← W / σ and the new u, as Keras assigns them.</summary>
    private void Normalize()
    {
        using var noGrad = GradMode.NoGrad();
        var kernel = _kernel!.Value;
        if (Ops.Sum(Ops.Abs(kernel)).Item() == 0) return;   // Keras's ops.cond: an all-zero kernel has no direction
        int columns = kernel.Shape[^1];
        var w = Ops.Reshape(kernel, kernel.Shape.Size / columns, columns);
        var u = _vectorU!.Value;
        Tensor v = u;
        for (int i = 0; i < PowerIterations; i++)
        {
            v = L2Normalize(Ops.MatMul(u, w, transposeB: true));
            u = L2Normalize(Ops.MatMul(v, w));
        }
        var sigma = Ops.MatMul(Ops.MatMul(v, w), u, transposeB: true);   // (1, 1)
        kernel.Assign(Ops.Divide(kernel, sigma));
        _vectorU.Value.Assign(u);
    }

    private static Tensor L2Normalize(Tensor x) =>
        Ops.Multiply(x, Ops.Reciprocal(Ops.Sqrt(Ops.Maximum(Ops.Sum(Ops.Square(x)), Tensor.Scalar(1e-14f, x.Device)))));

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] inputShape) => Layer.ComputeOutputShape(inputShape);
}
