using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Config;
using Graft.Constraints;
using Graft.Initializers;
using Graft.Regularizers;
using Graft.Tensors;

namespace Graft.Layers.Activations;

/// <summary>
/// Parametric ReLU: max(0, x) − α·max(0, −x) with a learned α of the input's per-sample shape
/// (axes in <see cref="SharedAxes"/> share one α), like <c>keras.layers.PReLU</c>.
/// </summary>
public sealed class PReLU : Layer
{
    private Variable? _alpha;
    private readonly WeightOptions _options;

    /// <param name="alphaInitializer">Default zeros.</param>
    /// <param name="alphaRegularizer">Penalty, or null.</param>
    /// <param name="alphaConstraint">Projection, or null.</param>
    /// <param name="sharedAxes">Axes (1-based, batch is 0) along which α is shared, e.g. [1, 2] for one α per channel of an image.</param>
    /// <param name="name">Layer name.</param>
    public PReLU(Initializer? alphaInitializer = null, Regularizer? alphaRegularizer = null, Constraint? alphaConstraint = null,
        int[]? sharedAxes = null, string? name = null) : base(name)
    {
        _options = new(alphaInitializer ?? new Zeros(), alphaRegularizer, alphaConstraint);
        SharedAxes = sharedAxes ?? [];
    }

    /// <summary>α's initializer.</summary>
    public Initializer AlphaInitializer => _options.Initializer;
    /// <summary>α's penalty.</summary>
    public Regularizer? AlphaRegularizer => _options.Regularizer;
    /// <summary>α's projection.</summary>
    public Constraint? AlphaConstraint => _options.Constraint;
    /// <summary>Axes that share α.</summary>
    public int[] SharedAxes { get; }

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        var shape = new int[inputShape.Length - 1];
        for (int i = 1; i < inputShape.Length; i++)
        {
            if (SharedAxes.Contains(i)) { shape[i - 1] = 1; continue; }
            shape[i - 1] = inputShape[i] ?? throw new ArgumentException($"{Describe()}: expected known dimensions outside shared_axes, got {FormatShape(inputShape)}.");
        }
        _alpha = AddWeight("alpha", shape, _options);
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training) =>
        Ops.Subtract(Ops.Relu(x), Ops.Multiply(_alpha!.Value, Ops.Relu(Ops.Negative(x))));

    /// <inheritdoc/>
    /// <remarks>No shared axes are written as Keras writes them: null.</remarks>
    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        if (SharedAxes.Length == 0) c["shared_axes"] = null;
        return c;
    }

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
