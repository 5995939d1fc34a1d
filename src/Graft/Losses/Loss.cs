using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Losses;

/// <summary>
/// A training objective (Keras's <c>keras.losses</c>): per-sample values reduced over the batch as
/// <see cref="Reduction"/> says (Keras's default "sum_over_batch_size": their mean).
/// </summary>
public abstract class Loss
{
    private string _reduction = "sum_over_batch_size";

    /// <summary>Keras's name (<c>binary_crossentropy</c>, …), used in logs.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// How <see cref="Call"/> reduces the per-sample values, by Keras's names: <c>"sum_over_batch_size"</c>
    /// (the default) and <c>"mean"</c> divide their sum by their count, <c>"mean_with_sample_weight"</c>
    /// divides by the sum of the weights (without sample weights the same), <c>"sum"</c> sums, <c>"none"</c>
    /// keeps them. Values a loss masks out (<c>ignore_class</c>) count in no divisor, as in Keras.
    /// In <c>Fit</c> and <c>Evaluate</c> an unreduced loss is averaged, as Keras's compiled loss does.
    /// </summary>
    /// <exception cref="ArgumentException">Not one of Keras's reductions.</exception>
    public string Reduction
    {
        get => _reduction;
        init => _reduction = StandardizeReduction(value);
    }

    /// <summary>Sets the reduction read from a saved config (Keras 3 writes null for "none").</summary>
    internal void SetReduction(string? reduction) => _reduction = StandardizeReduction(reduction);

    /// <summary>Per-sample loss, shape (batch, …) without the last axis.</summary>
    public abstract Tensor PerSample(Tensor yTrue, Tensor yPred);

    /// <summary>The loss reduced as <see cref="Reduction"/> says: a scalar, or the per-sample values for <c>"none"</c>.</summary>
    public Tensor Call(Tensor yTrue, Tensor yPred)
    {
        var values = PerSample(yTrue, yPred);
        if (_reduction == "none" || values.Rank == 0) return values;
        var total = Ops.Sum(values);
        if (_reduction == "sum") return total;
        if (ValidMask(yTrue, yPred) is not { } mask) return Ops.Multiply(total, 1f / Math.Max(1, values.Size));
        // divide_no_nan: a batch with every value masked out has loss 0, not NaN.
        var valid = Ops.Sum(mask);
        return Ops.Where(Ops.Greater(valid, Tensor.Scalar(0f, valid.Device)), Ops.Divide(total, Ops.Maximum(valid, Tensor.Scalar(1f, valid.Device))), Tensor.Scalar(0f, valid.Device));
    }

    /// <summary>The scalar a model trains on: <see cref="Call"/>, averaged when the reduction leaves values (Keras's compiled loss reduces once more).</summary>
    internal Tensor Objective(Tensor yTrue, Tensor yPred)
    {
        var loss = Call(yTrue, yPred);
        return loss.Rank == 0 ? loss : Ops.Mean(loss);
    }

    /// <summary>1 where a per-sample value counts, 0 where the loss masks it out; null when every value counts.</summary>
    protected virtual Tensor? ValidMask(Tensor yTrue, Tensor yPred) => null;

    /// <summary>Keras's reduction names; <c>null</c> stands for <c>"none"</c>, and tf.keras's <c>"auto"</c> for the default.</summary>
    /// <exception cref="ArgumentException">Not one of them.</exception>
    public static string StandardizeReduction(string? reduction) => reduction switch
    {
        null or "none" => "none",
        "auto" => "sum_over_batch_size",
        "sum_over_batch_size" or "sum" or "mean" or "mean_with_sample_weight" => reduction,
        _ => throw new ArgumentException($"Loss: expected reduction \"sum_over_batch_size\", \"sum\", \"mean\", \"mean_with_sample_weight\" or \"none\", got \"{reduction}\".", nameof(reduction)),
    };

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

    /// <summary>
    /// Resolves Keras identifiers and their aliases: <c>binary_crossentropy</c> (<c>bce</c>),
    /// <c>binary_focal_crossentropy</c>, <c>categorical_crossentropy</c>, <c>categorical_focal_crossentropy</c>,
    /// <c>sparse_categorical_crossentropy</c>, <c>mean_squared_error</c> (<c>mse</c>), <c>mean_absolute_error</c>
    /// (<c>mae</c>), <c>mean_absolute_percentage_error</c> (<c>mape</c>), <c>mean_squared_logarithmic_error</c>
    /// (<c>msle</c>), <c>cosine_similarity</c>, <c>huber</c>, <c>log_cosh</c> (<c>logcosh</c>), <c>hinge</c>,
    /// <c>squared_hinge</c>, <c>categorical_hinge</c>, <c>kl_divergence</c> (<c>kld</c>), <c>poisson</c>,
    /// <c>dice</c>, <c>tversky</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the known ones.</exception>
    public static Loss Get(string identifier) => identifier.ToLowerInvariant() switch
    {
        "binary_crossentropy" or "bce" => new BinaryCrossentropy(),
        "binary_focal_crossentropy" => new BinaryFocalCrossentropy(),
        "categorical_crossentropy" => new CategoricalCrossentropy(),
        "categorical_focal_crossentropy" => new CategoricalFocalCrossentropy(),
        "sparse_categorical_crossentropy" => new SparseCategoricalCrossentropy(),
        "mean_squared_error" or "mse" => new MeanSquaredError(),
        "mean_absolute_error" or "mae" => new MeanAbsoluteError(),
        "mean_absolute_percentage_error" or "mape" => new MeanAbsolutePercentageError(),
        "mean_squared_logarithmic_error" or "msle" => new MeanSquaredLogarithmicError(),
        "cosine_similarity" => new CosineSimilarity(),
        "huber" or "huber_loss" => new Huber(),
        "log_cosh" or "logcosh" => new LogCosh(),
        "hinge" => new Hinge(),
        "squared_hinge" => new SquaredHinge(),
        "categorical_hinge" => new CategoricalHinge(),
        "kl_divergence" or "kld" or "kullback_leibler_divergence" => new KLDivergence(),
        "poisson" => new Poisson(),
        "dice" => new Dice(),
        "tversky" => new Tversky(),
        _ => throw new ArgumentException($"Loss: expected one of binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy, categorical_focal_crossentropy, sparse_categorical_crossentropy, mean_squared_error (mse), mean_absolute_error (mae), mean_absolute_percentage_error (mape), mean_squared_logarithmic_error (msle), cosine_similarity, huber, log_cosh, hinge, squared_hinge, categorical_hinge, kl_divergence, poisson, dice, tversky; got '{identifier}'."),
    };

    /// <summary>Lets a Keras identifier stand where a loss is expected.</summary>
    public static implicit operator Loss(string identifier) => Get(identifier);

    /// <summary>Mean over the last axis (Keras's per-sample reduction of element-wise losses).</summary>
    protected static Tensor MeanLast(Tensor t) => Ops.Mean(t, [-1]);

    /// <summary>Keras's hinge targets: all-0/1 targets become −1/1, others stay.</summary>
    protected static Tensor HingeTargets(Tensor t) => t.ToArray().All(v => v is 0f or 1f) ? Ops.Add(Ops.Multiply(t, 2f), -1f) : t;
}
