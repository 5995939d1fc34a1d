using Graft.Autograd;
using Graft.Initializers;
using Graft.Tensors;

namespace Graft.Layers.Preprocessing;

/// <summary>
/// Shifts and scales inputs to zero mean and unit variance along <see cref="Axis"/>: (x − mean) /
/// √variance (Keras's <c>layers.Normalization</c>). The statistics are either given (then constant), or
/// non-trainable weights <c>mean</c>, <c>variance</c> and <c>count</c>, set by <see cref="Adapt"/> or by
/// loading a file. With <see cref="Invert"/> it undoes the normalization instead.
/// </summary>
public sealed class Normalization : Layer
{
    // Keras divides by max(√variance, backend.epsilon()), so a constant feature is not divided by zero.
    private const float Epsilon = 1e-7f;
    private Variable? _mean, _variance, _count;
    private int[] _broadcastShape = [];
    private int[] _keepAxes = [];

    /// <param name="axis">The axes that keep their own statistics (default the last: one mean per feature or channel); an empty array for one mean over everything.</param>
    /// <param name="mean">Fixed means (one per position of <paramref name="axis"/>, or one for all); null to use weights set by <see cref="Adapt"/>.</param>
    /// <param name="variance">Fixed variances, given exactly when <paramref name="mean"/> is.</param>
    /// <param name="invert">Map normalized values back: mean + x · √variance.</param>
    /// <param name="inputShape">Shape of one sample; builds the layer at once.</param>
    /// <param name="name">Layer name.</param>
    /// <exception cref="ArgumentException">Only one of mean and variance given, or of different lengths.</exception>
    public Normalization(int[]? axis = null, [KerasConfig(Property = nameof(MeanOption))] Numbers? mean = null,
        [KerasConfig(Property = nameof(VarianceOption))] Numbers? variance = null, bool invert = false, int[]? inputShape = null, string? name = null)
        : this(axis, mean?.ToArray(), variance?.ToArray(), invert, inputShape, name)
    {
        MeanOption = mean; VarianceOption = variance;
    }

    private Normalization(int[]? axis, float[]? mean, float[]? variance, bool invert, int[]? inputShape, string? name)
        : base(name, inputShape)
    {
        if ((mean is null) != (variance is null))
            throw new ArgumentException($"Normalization: expected both mean and variance or neither, got {(mean is null ? "variance" : "mean")} alone.");
        if (mean is not null && mean.Length != variance!.Length)
            throw new ArgumentException($"Normalization: expected mean and variance of the same length, got {mean.Length} and {variance.Length}.");
        if (variance is not null && variance.Any(v => !(v >= 0)))
            throw new ArgumentException($"Normalization: expected variances >= 0, got [{string.Join(", ", variance)}].", nameof(variance));
        Axis = axis ?? [-1]; InputMean = mean; InputVariance = variance; Invert = invert;
        if (inputShape is not null) Build([null, .. inputShape.Select(d => d < 0 ? null : (int?)d)]);
    }

    /// <summary>The axes with their own statistics (Keras's <c>axis</c>); empty for one over everything.</summary>
    public int[] Axis { get; }
    /// <summary>The fixed means given to the constructor, or null.</summary>
    public float[]? InputMean { get; }
    /// <summary>The fixed variances given to the constructor, or null.</summary>
    public float[]? InputVariance { get; }
    /// <summary>Whether the layer undoes the normalization.</summary>
    public bool Invert { get; }

    // The statistics in the form they were given (a number or a list), as the config writes them back.
    private Numbers? MeanOption { get; }
    private Numbers? VarianceOption { get; }

    /// <summary>The mean weight (one value per kept position), or null with fixed statistics or before build.</summary>
    public Variable? Mean => _mean;
    /// <summary>The variance weight, or null with fixed statistics or before build.</summary>
    public Variable? Variance => _variance;

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        int rank = inputShape.Length;
        if (Axis.Any(a => a < -rank || a >= rank))
            throw new ArgumentException($"{Describe()}: expected axes in [{-rank}, {rank}) for input {FormatShape(inputShape)}, got [{string.Join(", ", Axis)}].");
        _keepAxes = Axis.Select(a => a < 0 ? a + rank : a).Distinct().Order().ToArray();
        if (_keepAxes.Contains(0))
            throw new ArgumentException($"{Describe()}: expected axes other than the batch axis 0, got [{string.Join(", ", Axis)}].");
        foreach (int a in _keepAxes)
            if (inputShape[a] is null)
                throw new ArgumentException($"{Describe()}: expected a known size on axis {a}, which keeps its own statistics, got input {FormatShape(inputShape)}.");
        int[] kept = _keepAxes.Select(a => inputShape[a]!.Value).ToArray();
        _broadcastShape = Enumerable.Range(0, rank).Select(d => _keepAxes.Contains(d) ? inputShape[d]!.Value : 1).ToArray();
        if (InputMean is null)
        {
            _mean = AddWeight("mean", kept, new Zeros(), trainable: false);
            _variance = AddWeight("variance", kept, new Ones(), trainable: false);
            _count = AddWeight("count", [], new Zeros(), trainable: false);
        }
        else if (InputMean.Length != 1 && InputMean.Length != kept.Aggregate(1, (p, d) => p * d))
            throw new ArgumentException($"{Describe()}: expected {kept.Aggregate(1, (p, d) => p * d)} means (or one) for input {FormatShape(inputShape)}, got {InputMean.Length}.");
        base.Build(inputShape);
    }

    /// <summary>
    /// Sets the mean and variance weights to the statistics of <paramref name="data"/> over every axis
    /// but <see cref="Axis"/> (Keras's <c>adapt</c> on an array), building the layer if needed.
    /// </summary>
    /// <param name="data">Samples, batch axis first.</param>
    /// <exception cref="InvalidOperationException">The layer has fixed statistics.</exception>
    /// <exception cref="ArgumentException">The data's kept sizes differ from those the layer was built for.</exception>
    public void Adapt(Tensor data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (InputMean is not null)
            throw new InvalidOperationException($"{Describe()}.Adapt: expected a layer without fixed mean and variance, got one built with them. Create it without mean and variance to adapt it.");
        int?[] shape = data.Shape.ToArray().Select(d => (int?)d).ToArray();
        if (!Built) Build(shape);
        else if (BuiltInputShape!.Length != shape.Length || _keepAxes.Any(a => BuiltInputShape[a] != shape[a]))
            throw new ArgumentException($"{Describe()}.Adapt: expected data of shape {FormatShape(BuiltInputShape)} on the kept axes, got {data.Shape}.", nameof(data));
        int[] reduce = Enumerable.Range(0, data.Rank).Where(d => !_keepAxes.Contains(d)).ToArray();
        using (GradMode.NoGrad())
        {
            var (mean, variance) = Ops.Moments(data, reduce);
            _mean!.Assign(Ops.Reshape(mean, _mean.Value.Shape.ToArray()));
            _variance!.Assign(Ops.Reshape(variance, _variance.Value.Shape.ToArray()));
        }
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        Tensor mean, variance;
        if (InputMean is not null)
        {
            mean = InputMean.Length == 1 ? Tensor.Full(InputMean[0], _broadcastShape) : Tensor.FromArray(InputMean, _broadcastShape);
            variance = InputVariance!.Length == 1 ? Tensor.Full(InputVariance[0], _broadcastShape) : Tensor.FromArray(InputVariance, _broadcastShape);
        }
        else
        {
            mean = Ops.Reshape(_mean!.Value, _broadcastShape);
            variance = Ops.Reshape(_variance!.Value, _broadcastShape);
        }
        var std = Ops.Maximum(Ops.Sqrt(variance), Tensor.Full(Epsilon, 1));
        return Invert ? Ops.Add(mean, Ops.Multiply(x, std)) : Ops.Divide(Ops.Subtract(x, mean), std);
    }

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
