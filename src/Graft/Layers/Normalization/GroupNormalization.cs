using Graft.Autograd;
using Graft.Initializers;
using Graft.Tensors;

namespace Graft.Layers.Normalization;

/// <summary>
/// Splits the channels into groups and normalizes each sample's group over its channels and all
/// other axes, then scales and shifts per channel (Keras's <c>layers.GroupNormalization</c>):
/// groups = 1 is layer normalization over everything, groups = channels (or -1) instance normalization.
/// </summary>
public sealed class GroupNormalization : Layer
{
    private Variable? _gamma, _beta;
    private int _groups, _axis;

    /// <param name="groups">Number of groups (dividing the channels), or -1 for one group per channel; default 32.</param>
    /// <param name="axis">The channels axis; default the last.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="center">Learn beta.</param>
    /// <param name="scale">Learn gamma.</param>
    /// <param name="betaInitializer">Default zeros.</param>
    /// <param name="gammaInitializer">Default ones.</param>
    /// <param name="name">Layer name.</param>
    public GroupNormalization(int groups = 32, int axis = -1, double epsilon = 1e-3, bool center = true, bool scale = true,
        Initializer? betaInitializer = null, Initializer? gammaInitializer = null, string? name = null) : base(name)
    {
        if (groups <= 0 && groups != -1) throw new ArgumentOutOfRangeException(nameof(groups), $"GroupNormalization: expected a positive number of groups, or -1 for instance normalization, got {groups}.");
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"GroupNormalization: expected epsilon > 0, got {epsilon}.");
        Groups = groups; Axis = axis; Epsilon = epsilon; Center = center; Scale = scale;
        BetaInitializer = betaInitializer ?? new Zeros(); GammaInitializer = gammaInitializer ?? new Ones();
    }

    /// <summary>Number of groups as given (-1: one per channel).</summary>
    public int Groups { get; }
    /// <summary>The channels axis.</summary>
    public int Axis { get; }
    /// <summary>Variance epsilon.</summary>
    public double Epsilon { get; }
    /// <summary>Has beta.</summary>
    public bool Center { get; }
    /// <summary>Has gamma.</summary>
    public bool Scale { get; }
    /// <summary>Beta initializer.</summary>
    public Initializer BetaInitializer { get; }
    /// <summary>Gamma initializer.</summary>
    public Initializer GammaInitializer { get; }

    /// <inheritdoc/>
    public override void Build(int?[] inputShape)
    {
        int axis = Axis < 0 ? Axis + inputShape.Length : Axis;
        if (axis < 1 || axis >= inputShape.Length) throw new ArgumentException($"{Describe()}: expected axis {Axis} within the sample's axes, got input shape {FormatShape(inputShape)}.");
        int channels = inputShape[axis] ?? throw new ArgumentException($"{Describe()}: expected a known size on axis {Axis}, got {FormatShape(inputShape)}.");
        int groups = Groups == -1 ? channels : Groups;
        if (groups > channels || channels % groups != 0)
            throw new ArgumentException($"{Describe()}: expected a number of groups that divides the {channels} channels, got {groups}.");
        if (Scale) _gamma = AddWeight("gamma", [channels], GammaInitializer);
        if (Center) _beta = AddWeight("beta", [channels], BetaInitializer);
        _groups = groups; _axis = axis;
        base.Build(inputShape);
    }

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor x, bool training)
    {
        int a = _axis, g = _groups, channels = x.Shape[a];
        // (…, C, …) → (…, G, C/G, …): each group's statistics are over every axis but the batch and the group.
        int[] grouped = [.. x.Shape.Dims[..a], g, channels / g, .. x.Shape.Dims[(a + 1)..]];
        var xg = Ops.Reshape(x, grouped);
        var axes = Enumerable.Range(1, grouped.Length - 1).Where(i => i != a).ToArray();
        var (mean, variance) = Ops.Moments(xg, axes, keepDims: true);
        var broadcast = Enumerable.Repeat(1, grouped.Length).ToArray();
        broadcast[a] = g; broadcast[a + 1] = channels / g;
        Tensor? Spread(Variable? v) => v is null ? null : Ops.Reshape(v.Value, broadcast);
        var y = Ops.BatchNormalization(xg, mean, variance, Spread(_beta), Spread(_gamma), (float)Epsilon);
        return Ops.Reshape(y, x.Shape.ToArray());
    }

    /// <inheritdoc/>
    protected internal override bool SupportsMasking => true;
}
