using Graft.Autograd;
using Graft.Config;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Normalization;

/// <summary>
/// Batch normalization (Keras's <c>layers.BatchNormalization</c>): in training, normalizes with the
/// batch's mean and variance and moves the moving statistics toward them; in inference, uses the
/// moving statistics. A frozen layer (<see cref="Layer.Trainable"/> false) always runs in inference
/// mode and never updates its statistics, as in Keras 2.1+ and Keras 3 — the rule that makes
/// fine-tuning a pretrained base work. Weights: gamma, beta, moving_mean, moving_variance.
/// </summary>
public sealed class BatchNormalization : Layer
{
    private Variable? _gamma, _beta, _mean, _variance;
    private int _axis;
    private readonly WeightOptions _betaOptions, _gammaOptions;

    /// <param name="axis">Feature axis (default −1, the channels).</param>
    /// <param name="momentum">Moving statistics: new = momentum·old + (1 − momentum)·batch.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="center">Learn an offset (beta).</param>
    /// <param name="scale">Learn a scale (gamma).</param>
    /// <param name="betaInitializer">Default zeros.</param>
    /// <param name="gammaInitializer">Default ones.</param>
    /// <param name="movingMeanInitializer">Default zeros.</param>
    /// <param name="movingVarianceInitializer">Default ones.</param>
    /// <param name="betaRegularizer">Beta penalty.</param>
    /// <param name="gammaRegularizer">Gamma penalty.</param>
    /// <param name="betaConstraint">Beta projection.</param>
    /// <param name="gammaConstraint">Gamma projection.</param>
    /// <param name="inputShape">Shape of one sample.</param>
    /// <param name="name">Layer name.</param>
    public BatchNormalization(int axis = -1, double momentum = 0.99, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null, Initializer? movingMeanInitializer = null, Initializer? movingVarianceInitializer = null,
        Regularizer? betaRegularizer = null, Regularizer? gammaRegularizer = null, Constraint? betaConstraint = null, Constraint? gammaConstraint = null,
        int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        if (!(momentum >= 0 && momentum <= 1)) throw new ArgumentOutOfRangeException(nameof(momentum), $"BatchNormalization: expected momentum in [0, 1], got {momentum}.");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"BatchNormalization: expected epsilon > 0, got {epsilon}.");
        Axis = axis; Momentum = (float)momentum; Epsilon = (float)epsilon; Center = center; Scale = scale;
        _betaOptions = new(betaInitializer ?? new Zeros(), betaRegularizer, betaConstraint);
        _gammaOptions = new(gammaInitializer ?? new Ones(), gammaRegularizer, gammaConstraint);
        MovingMeanInitializer = movingMeanInitializer ?? new Zeros(); MovingVarianceInitializer = movingVarianceInitializer ?? new Ones();
        if (inputShape is not null) Build([null, .. inputShape.Select(d => (int?)d)]);
    }

    /// <summary>Feature axis.</summary>
    public int Axis { get; }
    /// <summary>Moving-average momentum.</summary>
    public float Momentum { get; }
    /// <summary>Variance epsilon.</summary>
    public float Epsilon { get; }
    /// <summary>Has beta.</summary>
    public bool Center { get; }
    /// <summary>Has gamma.</summary>
    public bool Scale { get; }
    /// <summary>Beta initializer.</summary>
    public Initializer BetaInitializer => _betaOptions.Initializer;
    /// <summary>Gamma initializer.</summary>
    public Initializer GammaInitializer => _gammaOptions.Initializer;
    /// <summary>Moving mean initializer.</summary>
    public Initializer MovingMeanInitializer { get; }
    /// <summary>Moving variance initializer.</summary>
    public Initializer MovingVarianceInitializer { get; }
    /// <summary>Beta penalty.</summary>
    public Regularizer? BetaRegularizer => _betaOptions.Regularizer;
    /// <summary>Gamma penalty.</summary>
    public Regularizer? GammaRegularizer => _gammaOptions.Regularizer;
    /// <summary>Beta projection.</summary>
    public Constraint? BetaConstraint => _betaOptions.Constraint;
    /// <summary>Gamma projection.</summary>
    public Constraint? GammaConstraint => _gammaOptions.Constraint;

    /// <summary>The moving mean, once built.</summary>
    public Variable? MovingMean => _mean;
    /// <summary>The moving variance, once built.</summary>
    public Variable? MovingVariance => _variance;

    /// <summary>A trainable layer uses batch statistics in training, so training and inference differ.</summary>
    protected internal override bool TrainingMatchesInference => !Trainable;

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        _axis = Axis < 0 ? Axis + inputShape.Length : Axis;
        if (_axis <= 0 || _axis >= inputShape.Length || inputShape[_axis] is not int features)
            throw new ArgumentException($"{Describe()}: expected axis {Axis} to be a known feature axis of input shape {FormatShape(inputShape)}.");
        if (Scale) _gamma = AddWeight("gamma", [features], _gammaOptions);
        if (Center) _beta = AddWeight("beta", [features], _betaOptions);
        _mean = AddWeight("moving_mean", [features], MovingMeanInitializer, trainable: false);
        _variance = AddWeight("moving_variance", [features], MovingVarianceInitializer, trainable: false);
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != BuiltInputShape!.Length || x.Shape[_axis] != _mean!.Shape[0])
            throw new ArgumentException($"{Describe()}: expected input of rank {BuiltInputShape.Length} with {_mean!.Shape[0]} features on axis {Axis}, got shape {x.Shape}.");
        // Parameters broadcast along the feature axis.
        var bshape = Enumerable.Repeat(1, x.Rank).ToArray(); bshape[_axis] = _mean.Shape[0];
        Tensor B(Variable? v) => Ops.Reshape(v!.Value, bshape);
        var gamma = _gamma is null ? null : B(_gamma);
        var beta = _beta is null ? null : B(_beta);
        if (!(training && Trainable))
            return Ops.BatchNormalization(x, B(_mean), B(_variance), beta, gamma, Epsilon);

        if (_axis == x.Rank - 1)
        {
            // Channels last: statistics, normalization and their gradient in a few passes.
            var (y, batchMean, batchVariance) = Ops.BatchNormalizationTraining(x, _gamma?.Value, _beta?.Value, Epsilon);
            UpdateMovingStatistics(batchMean, batchVariance);
            return y;
        }
        var axes = Enumerable.Range(0, x.Rank).Where(a => a != _axis).ToArray();
        var (mean, variance) = Ops.Moments(x, axes, keepDims: true);
        UpdateMovingStatistics(Ops.Reshape(mean.Detach(), _mean.Shape.ToArray()), Ops.Reshape(variance.Detach(), _variance!.Shape.ToArray()));
        return Ops.BatchNormalization(x, mean, variance, beta, gamma, Epsilon);
    }

    /// <summary>
    /// This layer's training call followed by a relu's, in one pass over the activation forward and
    /// one fewer backward (see <see cref="Ops.BatchNormalizationTraining"/>), for a graph whose
    /// relu alone reads this layer's output; null when the two must run one by one (not training,
    /// frozen, not channels-last, a mask or an activity penalty, an input the call would reject,
    /// a backend without the fused kernels).
    /// </summary>
    internal Tensor? TryTrainingWithRelu(Tensor x, bool training)
    {
        if (!training || !Trainable || !Built || ActivityRegularizer is not null || x.Mask is not null
            || x.Backend is not Tensors.Backends.IFusedBatchNorm || _axis != x.Rank - 1
            || x.Rank != BuiltInputShape!.Length || x.Shape[_axis] != _mean!.Shape[0]) return null;
        var (y, batchMean, batchVariance) = Ops.BatchNormalizationTraining(x, _gamma?.Value, _beta?.Value, Epsilon, relu: true);
        UpdateMovingStatistics(batchMean, batchVariance);
        return y;
    }

    /// <summary>
    /// The gradient is taken from the input and the statistics (the fused training kernel) or
    /// through products and sums of the input (the other paths): never from the output.
    /// </summary>
    internal override bool KeepsOutputForBackward => ActivityRegularizer is not null;

    private void UpdateMovingStatistics(Tensor mean, Tensor variance)
    {
        using (GradMode.NoGrad())
        {
            // moving = momentum·moving + (1 − momentum)·batch (Keras uses the biased batch variance).
            _mean!.Assign(Ops.Add(Ops.Multiply(_mean.Value, Momentum), Ops.Multiply(mean, 1f - Momentum)));
            _variance!.Assign(Ops.Add(Ops.Multiply(_variance.Value, Momentum), Ops.Multiply(variance, 1f - Momentum)));
        }
    }

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
