using Graft.Autograd;
using Graft.Layers;
using Graft.Tensors;
using Graft.Tensors.Backends;

namespace Graft.Optimizers;

/// <summary>
/// Updates trainable weights from their gradients (Keras's <c>keras.optimizers</c>), with Keras's
/// shared options: learning-rate schedules, decoupled weight decay, and gradient clipping by
/// value, by each weight's norm, or by the global norm.
/// </summary>
public abstract class Optimizer
{
    private readonly Dictionary<Variable, Tensor[]> _slots = new(ReferenceEqualityComparer.Instance);
    // The variables with slots, in the order their slots were created: Keras saves optimizer state
    // by this order (optimizer.variables), so it is what files address.
    private readonly List<Variable> _built = [];
    private double _fixedLearningRate;

    /// <param name="learningRate">Rate or schedule.</param>
    /// <param name="weightDecay">Decoupled decay: w −= w·decay·lr before each update; null for none.</param>
    /// <param name="clipnorm">Clip each gradient to this L2 norm.</param>
    /// <param name="clipvalue">Clip each gradient element to ±this.</param>
    /// <param name="globalClipnorm">Clip all gradients together to this global L2 norm.</param>
    protected Optimizer(LearningRate learningRate, double? weightDecay, double? clipnorm, double? clipvalue, double? globalClipnorm)
    {
        if (new[] { clipnorm, clipvalue, globalClipnorm }.Count(v => v is not null) > 1)
            throw new ArgumentException($"{GetType().Name}: expected at most one of clipnorm, clipvalue, global_clipnorm, got several.");
        foreach (var (v, n) in new[] { (clipnorm, "clipnorm"), (clipvalue, "clipvalue"), (globalClipnorm, "global_clipnorm"), (weightDecay, "weight_decay") })
            if (v is { } x && !(x >= 0)) throw new ArgumentOutOfRangeException(n, $"{GetType().Name}: expected {n} >= 0, got {x}.");
        _fixedLearningRate = learningRate.Value;
        Schedule = learningRate.Schedule;
        WeightDecay = weightDecay; Clipnorm = clipnorm; Clipvalue = clipvalue; GlobalClipnorm = globalClipnorm;
    }

    /// <summary>Keras's optimizer name (<c>SGD</c>, <c>adam</c>, …).</summary>
    public virtual string Name => GetType().Name;

    /// <summary>The schedule, when the rate is not fixed.</summary>
    public Schedules.LearningRateSchedule? Schedule { get; private set; }

    /// <summary>Updates applied so far (Keras's <c>optimizer.iterations</c>). Adam's and Nadam's bias corrections depend on it.</summary>
    public long Iterations { get; internal set; }

    /// <summary>Whether <see cref="Build"/> (or a first update) has created the per-variable state.</summary>
    public bool Built => _built.Count > 0;

    /// <summary>
    /// The weights this optimizer holds state for, in the order that state was created (Keras's
    /// <c>optimizer._trainable_variables</c> after <c>build</c>); files store the state in this order.
    /// </summary>
    public IReadOnlyList<Variable> TrainableVariables => _built;

    /// <summary>The learning rate for the next update. Setting it replaces any schedule (as callbacks do).</summary>
    public double LearningRate
    {
        get => Schedule?.Call(Iterations) ?? _fixedLearningRate;
        set
        {
            if (!(value >= 0) || !double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), $"{Name}: expected a finite learning rate >= 0, got {value}.");
            Schedule = null; _fixedLearningRate = value;
        }
    }

    /// <summary>Decoupled weight decay factor, or null.</summary>
    public double? WeightDecay { get; }
    /// <summary>Per-weight gradient norm cap, or null.</summary>
    public double? Clipnorm { get; }
    /// <summary>Gradient element cap, or null.</summary>
    public double? Clipvalue { get; }
    /// <summary>Global gradient norm cap, or null.</summary>
    public double? GlobalClipnorm { get; }

    /// <summary>
    /// One update of every variable from its <see cref="Tensor.Grad"/>; variables without a gradient
    /// are skipped. Constraints are applied afterwards.
    /// </summary>
    public void Apply(IReadOnlyList<Variable> variables)
    {
        float lr = (float)LearningRate;
        var withGrad = variables.Where(v => v.Value.Grad is not null).ToList();
        using (GradMode.NoGrad())
        {
            if (GlobalClipnorm is { } gc) ClipGlobal(withGrad, (float)gc);
            foreach (var v in withGrad)
            {
                var g = v.Value.Grad!;
                // A gradient may be shared by two weights (x + y passes one tensor to both), so
                // clipping works on a copy.
                if (Clipvalue is not null || Clipnorm is not null) g = g.Clone();
                if (Clipvalue is { } cv) g.Backend.Unary(Tensors.Backends.UnaryOp.Clip, g, g, -(float)cv, (float)cv);
                if (Clipnorm is { } cn) ClipNorm(g, (float)cn);
                if (WeightDecay is { } wd && wd > 0) v.Value.Backend.Axpy(-(float)wd * lr, v.Value, v.Value);
                UpdateStep(v.Value, g, SlotsFor(v), lr);
                if (v.Constraint is { } c) v.Value.Assign(c.Call(v.Value));
            }
        }
        Iterations++;
        OnIterationEnd();
    }

    /// <summary>
    /// Creates the per-variable state (momentums, velocities, …) for <paramref name="variables"/>, in
    /// their order, as Keras's <c>optimizer.build(model.trainable_variables)</c> does. <c>Fit</c> calls
    /// it with the trained weights in Keras's order before the first step; <c>Model.Load</c> calls it
    /// before filling the state from the file. Variables that already have state keep it; a variable
    /// first seen later (a weight unfrozen and trained with the same optimizer) gets its state then.
    /// </summary>
    /// <param name="variables">The trainable weights, in <c>model.TrainableWeights</c> order.</param>
    public void Build(IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        foreach (var v in variables) SlotsFor(v);
    }

    /// <summary>The state tensors of <paramref name="v"/>, created (zeroed, or Adagrad's initial value) on first use.</summary>
    internal Tensor[] SlotsFor(Variable v)
    {
        if (_slots.TryGetValue(v, out var slots)) return slots;
        using (Tensors.TensorScope.Suspend()) slots = CreateSlots(v);   // slots outlive the step
        _slots[v] = slots;
        _built.Add(v);
        return slots;
    }

    /// <summary>
    /// Keras's per-variable optimizer variables, as groups: Keras creates each group for every variable
    /// in turn, interleaving the names inside a group (Adam: momentum and velocity of the first weight,
    /// then of the second, …; then velocity_hat of each with AMSGrad). Each name comes with the index
    /// of the matching tensor in <see cref="CreateSlots"/>'s array. Null for an optimizer Keras lacks,
    /// whose state is then not saved.
    /// </summary>
    internal virtual IReadOnlyList<(string Name, int Slot)[]>? KerasSlotGroups => null;

    /// <summary>Keras's default optimizer name (<c>adam</c>, <c>SGD</c>, …), which prefixes its variable paths.</summary>
    internal virtual string KerasName => Name.ToLowerInvariant();

    private static void ClipNorm(Tensor g, float max)
    {
        float norm = MathF.Sqrt(Ops.Sum(Ops.Square(g)).Item());
        if (norm > max) g.Backend.Unary(Tensors.Backends.UnaryOp.MulScalar, g, g, max / norm);
    }

    private static void ClipGlobal(List<Variable> vs, float max)
    {
        double sq = vs.Sum(v => (double)Ops.Sum(Ops.Square(v.Value.Grad!)).Item());
        float norm = (float)Math.Sqrt(sq);
        if (norm > max)
            foreach (var v in vs) v.Value.Grad = Ops.Multiply(v.Value.Grad!, max / norm);
    }

    /// <summary>Per-variable state tensors (momentum, moments, …), created on first update.</summary>
    protected abstract Tensor[] CreateSlots(Variable v);

    /// <summary>The optimizer's rule: updates <paramref name="w"/> in place from <paramref name="g"/>.</summary>
    protected abstract void UpdateStep(Tensor w, Tensor g, Tensor[] slots, float lr);

    /// <summary>Hook after each full update (Nadam's running product).</summary>
    protected virtual void OnIterationEnd() { }

    /// <summary>A zero tensor shaped like <paramref name="v"/>.</summary>
    protected static Tensor ZerosLike(Variable v) => Tensor.ZerosLike(v.Value);

    /// <summary>Resolves Keras identifiers with Keras's defaults: <c>sgd</c>, <c>adam</c>, <c>adamw</c>, <c>rmsprop</c>, <c>adagrad</c>, <c>nadam</c>, <c>adamax</c>, <c>adadelta</c>, <c>lion</c>.</summary>
    public static Optimizer Get(string identifier) => identifier.ToLowerInvariant() switch
    {
        "sgd" => new SGD(),
        "adam" => new Adam(),
        "adamw" => new AdamW(),
        "rmsprop" => new RMSprop(),
        "adagrad" => new Adagrad(),
        "nadam" => new Nadam(),
        "adamax" => new Adamax(),
        "adadelta" => new Adadelta(),
        "lion" => new Lion(),
        _ => throw new ArgumentException($"Optimizer: expected one of sgd, adam, adamw, rmsprop, adagrad, nadam, adamax, adadelta, lion; got '{identifier}'."),
    };

    /// <summary>Lets a Keras identifier stand where an optimizer is expected (<c>optimizer: "sgd"</c>).</summary>
    public static implicit operator Optimizer(string identifier) => Get(identifier);
}
