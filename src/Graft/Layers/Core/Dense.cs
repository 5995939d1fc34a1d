using Graft.Activations;
using Graft.Autograd;
using Graft.Config;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Core;

/// <summary>
/// A fully connected layer: activation(x · kernel + bias), like <c>keras.layers.Dense</c>.
/// Input (…, in) → output (…, units); kernel (in, units), bias (units).
/// </summary>
public sealed class Dense : Layer
{
    private Variable? _kernel, _bias;
    private readonly WeightOptions _kernelOptions, _biasOptions;

    /// <param name="units">Output size (&gt; 0).</param>
    /// <param name="activation">Keras identifier (<c>"relu"</c>, <c>"softmax"</c>, …); null is linear.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">Default <c>glorot_uniform</c>.</param>
    /// <param name="biasInitializer">Default <c>zeros</c>.</param>
    /// <param name="kernelRegularizer">Penalty on the kernel, or null.</param>
    /// <param name="biasRegularizer">Penalty on the bias, or null.</param>
    /// <param name="kernelConstraint">Projection of the kernel after each step, or null.</param>
    /// <param name="biasConstraint">Projection of the bias after each step, or null.</param>
    /// <param name="inputShape">Shape of one sample; builds the layer at once.</param>
    /// <param name="name">Layer name; defaults to <c>dense</c>, <c>dense_1</c>, …</param>
    public Dense(int units, string? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null,
        Constraint? kernelConstraint = null, Constraint? biasConstraint = null,
        int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        if (units <= 0) throw new ArgumentOutOfRangeException(nameof(units), $"Dense: expected units > 0, got {units}.");
        Units = units;
        Activation = ActivationFunction.Get(activation);
        UseBias = useBias;
        _kernelOptions = new(kernelInitializer ?? new GlorotUniform(), kernelRegularizer, kernelConstraint);
        _biasOptions = new(biasInitializer ?? new Zeros(), biasRegularizer, biasConstraint);
        if (inputShape is not null) Build([null, .. inputShape.Select(d => (int?)d)]);
    }

    /// <summary>Output size.</summary>
    public int Units { get; }
    /// <summary>The activation applied to the output.</summary>
    public ActivationFunction Activation { get; }
    /// <summary>Whether a bias is added.</summary>
    public bool UseBias { get; }
    /// <summary>Kernel initializer.</summary>
    public Initializer KernelInitializer => _kernelOptions.Initializer;
    /// <summary>Bias initializer.</summary>
    public Initializer BiasInitializer => _biasOptions.Initializer;
    /// <summary>Kernel penalty.</summary>
    public Regularizer? KernelRegularizer => _kernelOptions.Regularizer;
    /// <summary>Bias penalty.</summary>
    public Regularizer? BiasRegularizer => _biasOptions.Regularizer;
    /// <summary>Kernel projection.</summary>
    public Constraint? KernelConstraint => _kernelOptions.Constraint;
    /// <summary>Bias projection.</summary>
    public Constraint? BiasConstraint => _biasOptions.Constraint;

    /// <summary>The (in, units) weight matrix; null before building.</summary>
    public Variable? Kernel => _kernel;
    /// <summary>The (units) bias; null before building or without bias.</summary>
    public Variable? Bias => _bias;

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        if (inputShape.Length < 2 || inputShape[^1] is not int inDim)
            throw new ArgumentException($"{Describe()}: expected an input shape with a known last dimension, got {FormatShape(inputShape)}.");
        _kernel = AddWeight("kernel", [inDim, Units], _kernelOptions);
        if (UseBias) _bias = AddWeight("bias", [Units], _biasOptions);
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor inputs, bool training)
    {
        CheckLastDim(inputs, _kernel!.Shape[0]);
        return Ops.Dense(inputs, _kernel.Value, _bias?.Value, Activation);
    }

    /// <inheritdoc/>
    public override int?[] ComputeOutputShape(int?[] inputShape) => [.. inputShape[..^1], Units];

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
