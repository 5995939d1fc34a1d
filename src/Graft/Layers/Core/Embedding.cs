using Graft.Autograd;
using Graft.Config;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Core;

/// <summary>
/// Maps integer ids to learned vectors (Keras's <c>layers.Embedding</c>): input (N, T) of ids in
/// [0, inputDim), output (N, T, outputDim); weight <c>embeddings</c> (inputDim, outputDim).
/// A frozen embedding is the classic reuse of a pretrained text model.
/// </summary>
public sealed class Embedding : Layer
{
    private Variable? _embeddings;
    private readonly WeightOptions _options;

    /// <param name="inputDim">Vocabulary size.</param>
    /// <param name="outputDim">Vector size.</param>
    /// <param name="embeddingsInitializer">Default uniform in ±0.05.</param>
    /// <param name="embeddingsRegularizer">Penalty, or null.</param>
    /// <param name="embeddingsConstraint">Projection, or null.</param>
    /// <param name="maskZero">Id 0 is padding: the output carries a mask (id ≠ 0) that recurrent layers and GlobalAveragePooling1D honour.</param>
    /// <param name="inputShape">Shape of one sample (sequence length).</param>
    /// <param name="name">Layer name.</param>
    /// <param name="inputLength">Keras 2's sequence length, read from older files: the input shape when <paramref name="inputShape"/> is null.</param>
    public Embedding(int inputDim, int outputDim, [KerasConfig(null, "kernel_initializer")] Initializer? embeddingsInitializer = null, Regularizer? embeddingsRegularizer = null,
        Constraint? embeddingsConstraint = null, bool maskZero = false, int[]? inputShape = null, string? name = null,
        [KerasConfig(ReadOnly = true)] int? inputLength = null) : base(name, inputShape ?? (inputLength is int length ? [length] : null))
    {
        if (inputDim <= 0 || outputDim <= 0) throw new ArgumentOutOfRangeException(nameof(inputDim), $"Embedding: expected input_dim and output_dim > 0, got {inputDim} and {outputDim}.");
        MaskZero = maskZero;
        InputDim = inputDim; OutputDim = outputDim;
        _options = new(embeddingsInitializer ?? new RandomUniform(), embeddingsRegularizer, embeddingsConstraint);
        inputShape ??= inputLength is int n ? [n] : null;
        if (inputShape is not null) Build([null, .. inputShape.Select(d => d < 0 ? null : (int?)d)]);
    }

    /// <summary>Whether id 0 marks padding (the output carries a mask).</summary>
    public bool MaskZero { get; }
    /// <summary>Vocabulary size.</summary>
    public int InputDim { get; }
    /// <summary>Vector size.</summary>
    public int OutputDim { get; }
    /// <summary>Initializer.</summary>
    public Initializer EmbeddingsInitializer => _options.Initializer;
    /// <summary>Penalty.</summary>
    public Regularizer? EmbeddingsRegularizer => _options.Regularizer;
    /// <summary>Projection.</summary>
    public Constraint? EmbeddingsConstraint => _options.Constraint;

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        _embeddings = AddWeight("embeddings", [InputDim, OutputDim], _options);
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor ids, bool training)
    {
        var values = ids.ToArray();
        var idx = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (!(v >= 0 && v < InputDim) || v != MathF.Floor(v))
                throw new ArgumentException($"{Describe()}: expected integer ids in [0, {InputDim - 1}], got {v} at position {i} of input {ids.Shape}.");
            idx[i] = (int)v;
        }
        var rows = Ops.Gather(_embeddings!.Value, idx, 0);
        var y = Ops.Reshape(rows, [.. ids.Shape.Dims, OutputDim]);
        if (MaskZero) y.Mask = Tensor.FromArray(Array.ConvertAll(idx, i => i != 0 ? 1f : 0f), ids.Shape.ToArray());
        return y;
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] s) => [.. s, OutputDim];

    /// <inheritdoc/>
    protected internal override Tensor? ComputeMask(Tensor inputs, Tensor? mask, Tensor output) => output.Mask;
}
