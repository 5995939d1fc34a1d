using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>
/// A training objective (Keras's <c>keras.losses</c>): per-sample values averaged over the batch
/// (Keras's "sum_over_batch_size" reduction).
/// </summary>
public abstract class Loss
{
    /// <summary>Keras's name (<c>binary_crossentropy</c>, …), used in logs.</summary>
    public abstract string Name { get; }

    /// <summary>Per-sample loss, shape (batch, …) without the last axis.</summary>
    public abstract Tensor PerSample(Tensor yTrue, Tensor yPred);

    /// <summary>The mean loss over the batch, a scalar.</summary>
    public Tensor Call(Tensor yTrue, Tensor yPred) => Ops.Mean(PerSample(yTrue, yPred));

    /// <summary>Checks that targets fit predictions of shape <paramref name="yPred"/> (batch included); throws with a message that names the loss and both shapes.</summary>
    public virtual void Validate(Tensor yTrue, Shape yPred)
    {
        if (!SameOrSqueezable(yTrue.Shape, yPred))
            throw new ArgumentException($"{GetType().Name}: expected targets of shape {Like(yPred)}, got {yTrue.Shape}.");
    }

    /// <summary>Shape of the predictions with a symbolic batch axis.</summary>
    protected static string Like(Shape yPred) => Layers.Layer.FormatShape(Layers.Layer.BatchShape(yPred));

    /// <summary>Equal shapes, or targets lacking a trailing axis of size 1 that predictions have.</summary>
    protected static bool SameOrSqueezable(Shape t, Shape p) =>
        t == p || (p.Rank == t.Rank + 1 && p[^1] == 1 && t.Dims.AsSpan().SequenceEqual(p.Dims.AsSpan(0, t.Rank)));

    /// <summary>Targets reshaped like the predictions when they only lack a trailing 1.</summary>
    protected static Tensor Align(Tensor yTrue, Tensor yPred) => yTrue.Shape == yPred.Shape ? yTrue : Ops.Reshape(yTrue, yPred.Shape.ToArray());

    /// <summary>Resolves Keras identifiers: <c>binary_crossentropy</c>, <c>categorical_crossentropy</c>, <c>sparse_categorical_crossentropy</c>, <c>mse</c>, <c>mae</c>, <c>huber</c>, <c>hinge</c>, <c>kl_divergence</c>.</summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the known ones.</exception>
    public static Loss Get(string identifier) => identifier.ToLowerInvariant() switch
    {
        "binary_crossentropy" or "bce" => new BinaryCrossentropy(),
        "categorical_crossentropy" => new CategoricalCrossentropy(),
        "sparse_categorical_crossentropy" => new SparseCategoricalCrossentropy(),
        "mean_squared_error" or "mse" => new MeanSquaredError(),
        "mean_absolute_error" or "mae" => new MeanAbsoluteError(),
        "huber" or "huber_loss" => new Huber(),
        "hinge" => new Hinge(),
        "kl_divergence" or "kld" or "kullback_leibler_divergence" => new KLDivergence(),
        _ => throw new ArgumentException($"Loss: expected one of binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, mean_squared_error (mse), mean_absolute_error (mae), huber, hinge, kl_divergence; got '{identifier}'."),
    };

    /// <summary>Lets a Keras identifier stand where a loss is expected.</summary>
    public static implicit operator Loss(string identifier) => Get(identifier);

    /// <summary>Mean over the last axis (Keras's per-sample reduction of element-wise losses).</summary>
    protected static Tensor MeanLast(Tensor t) => Ops.Mean(t, [-1]);
}
