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
    // Keras's base-optimizer state per variable: the moving average (use_ema) and the gradient
    // accumulator (gradient_accumulation_steps); created with the slots, saved before them.
    private readonly Dictionary<Variable, Tensor> _averages = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Variable, Tensor> _accumulators = new(ReferenceEqualityComparer.Instance);
    private double _fixedLearningRate;
    private double _emaMomentum = 0.99;
    private int? _emaOverwriteFrequency, _gradientAccumulationSteps;
    private bool _useEma;

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

    /// <summary>
    /// Updates applied so far (Keras's <c>optimizer.iterations</c>). Adam's and Nadam's bias corrections
    /// depend on it. With <see cref="GradientAccumulationSteps"/> it counts the real updates: the
    /// batches seen divided by the steps, rounded down.
    /// </summary>
    public long Iterations => GradientAccumulationSteps is int n ? AppliedSteps / n : AppliedSteps;

    /// <summary>
    /// Calls to <see cref="Apply"/> so far (Keras's <c>optimizer._iterations</c>, the <c>iteration</c>
    /// variable files hold); equal to <see cref="Iterations"/> without gradient accumulation.
    /// Learning-rate schedules read it, as in Keras.
    /// </summary>
    public long AppliedSteps { get; internal set; }

    /// <summary>
    /// Keep an exponential moving average of the trained weights (Keras's <c>use_ema</c>, default
    /// false); <c>Fit</c> ends with the weights set to it (Keras's <c>finalize_variable_values</c>).
    /// </summary>
    public bool UseEma { get => _useEma; init => _useEma = value; }

    /// <summary>
    /// The average's decay (Keras's <c>ema_momentum</c>, default 0.99): average ← m·average + (1 − m)·w
    /// after each step, and average ← w after the first.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Outside [0, 1].</exception>
    public double EmaMomentum
    {
        get => _emaMomentum;
        init => _emaMomentum = CheckEmaMomentum(value);
    }

    /// <summary>
    /// With <see cref="UseEma"/>, overwrite the weights with their average every this many updates
    /// (Keras's <c>ema_overwrite_frequency</c>); null (the default) only at the end of <c>Fit</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Below 1.</exception>
    public int? EmaOverwriteFrequency
    {
        get => _emaOverwriteFrequency;
        init => _emaOverwriteFrequency = CheckEmaOverwriteFrequency(value);
    }

    /// <summary>
    /// Update the weights every this many batches, with the mean of their gradients (Keras's
    /// <c>gradient_accumulation_steps</c>); null (the default) updates at every batch. Between
    /// updates the gradients add up in an accumulator per weight.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Below 2.</exception>
    public int? GradientAccumulationSteps
    {
        get => _gradientAccumulationSteps;
        init => _gradientAccumulationSteps = CheckGradientAccumulationSteps(value);
    }

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
        get => Schedule?.Call(AppliedSteps) ?? _fixedLearningRate;
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
    /// Sets the base options a file's config holds (Keras's <c>use_ema</c>, <c>ema_momentum</c>,
    /// <c>ema_overwrite_frequency</c>, <c>gradient_accumulation_steps</c>), before the optimizer is built.
    /// </summary>
    internal void ConfigureBase(bool useEma, double emaMomentum, int? emaOverwriteFrequency, int? gradientAccumulationSteps)
    {
        if (Built) throw new InvalidOperationException($"{Name}: expected an optimizer not yet built, got one holding state.");
        _useEma = useEma; _emaMomentum = CheckEmaMomentum(emaMomentum);
        _emaOverwriteFrequency = CheckEmaOverwriteFrequency(emaOverwriteFrequency);
        _gradientAccumulationSteps = CheckGradientAccumulationSteps(gradientAccumulationSteps);
    }

    private double CheckEmaMomentum(double value) => value is >= 0 and <= 1 ? value
        : throw new ArgumentOutOfRangeException(nameof(EmaMomentum), $"{GetType().Name}: expected ema_momentum in [0, 1], got {value}.");

    private int? CheckEmaOverwriteFrequency(int? value) => value is null or >= 1 ? value
        : throw new ArgumentOutOfRangeException(nameof(EmaOverwriteFrequency), $"{GetType().Name}: expected ema_overwrite_frequency >= 1 or null, got {value}.");

    private int? CheckGradientAccumulationSteps(int? value) => value is null or >= 2 ? value
        : throw new ArgumentOutOfRangeException(nameof(GradientAccumulationSteps), $"{GetType().Name}: expected gradient_accumulation_steps >= 2 or null, got {value}.");

    /// <summary>
    /// One update of every variable from its <see cref="Tensor.Grad"/>; variables without a gradient
    /// are skipped. Constraints are applied afterwards. With <see cref="GradientAccumulationSteps"/>,
    /// a call between updates only adds the gradients to the accumulators; with <see cref="UseEma"/>,
    /// every call then moves the moving averages (Keras's <c>optimizer.apply</c>).
    /// </summary>
    public void Apply(IReadOnlyList<Variable> variables) => ApplyStep(variables, null);

    /// <summary>
    /// <see cref="Apply(IReadOnlyList{Variable})"/> after a backward pass that <paramref name="step"/>
    /// was offered to: the weights whose update the backward pass applied only get their constraints.
    /// </summary>
    internal void ApplyStep(IReadOnlyList<Variable> variables, StepUpdates? step)
    {
        var grads = new List<(Variable Variable, Tensor Grad)>(variables.Count);
        List<Variable>? applied = null;
        for (int i = 0; i < variables.Count; i++)
            if (step is not null && step.WasApplied(variables[i].Value)) (applied ??= []).Add(variables[i]);
            else if (variables[i].Value.Grad is { } grad) grads.Add((variables[i], grad));
        bool update = GradientAccumulationSteps is not int n || (AppliedSteps + 1) % n == 0;
        using (GradMode.NoGrad())
        {
            if (GradientAccumulationSteps is int steps)
                for (int i = 0; i < grads.Count; i++)
                {
                    var (v, g) = grads[i];
                    var acc = AccumulatorFor(v);
                    if (update)
                    {
                        // Keras updates with the mean gradient (g + accumulated) / steps, clipped afterwards.
                        grads[i] = (v, Ops.Divide(Ops.Add(g, acc), Tensor.Scalar(steps, acc.Device)));
                        acc.Assign(Tensor.ZerosLike(acc));
                    }
                    else acc.Assign(Ops.Add(acc, g));
                }
            if (update) Update(grads);
            // Keras applies the constraints after every call, an accumulating one too.
            else foreach (var (v, _) in grads) if (v.Constraint is { } c) v.Value.Assign(c.Call(v.Value));
            // Updated during the backward pass (only ever without accumulation): what Update does after its step.
            if (applied is not null)
                foreach (var v in applied)
                {
                    v.Value.MarkWritten();
                    if (v.Constraint is { } c) v.Value.Assign(c.Call(v.Value));
                }
            if (UseEma) UpdateAverages();
        }
        AppliedSteps++;
        if (update) OnIterationEnd();
    }

    private StepUpdates? _stepUpdates;

    /// <summary>
    /// This step's updates, for the backward pass to apply while it computes the gradients (see
    /// <see cref="WeightUpdates"/>); then <see cref="ApplyStep"/>
    /// with them. Null when the optimizer has no update by ranges, or when an option needs a whole
    /// gradient, or all of them, before any update: gradient accumulation, clipping, weight decay.
    /// </summary>
    /// <param name="variables">The trained weights.</param>
    internal StepUpdates? BeginStep(IReadOnlyList<Variable> variables)
    {
        if (!HasRangeUpdates || GradientAccumulationSteps is not null || Clipnorm is not null || Clipvalue is not null
            || GlobalClipnorm is not null || WeightDecay is > 0.0)
            return null;
        var step = _stepUpdates ??= new StepUpdates(this);
        step.Begin(variables, (float)LearningRate);
        return step;
    }

    /// <summary>Whether <see cref="RangeUpdate"/> gives updates (for weights on a backend that has the kernel).</summary>
    internal virtual bool HasRangeUpdates => false;

    /// <summary>
    /// The update of <paramref name="w"/> by ranges with exactly <see cref="UpdateStep"/>'s arithmetic,
    /// or null when there is none for it.
    /// </summary>
    internal virtual WeightRangeUpdate? RangeUpdate(Tensor w, Tensor[] slots, float lr) => null;

    /// <summary>One step's updates offered to the backward pass: which weights they are for, and which the pass applied.</summary>
    internal sealed class StepUpdates(Optimizer optimizer) : WeightUpdates
    {
        private readonly Dictionary<Tensor, Variable> _variables = new(ReferenceEqualityComparer.Instance);
        private readonly HashSet<Tensor> _applied = new(ReferenceEqualityComparer.Instance);
        private float _learningRate;

        /// <summary>Starts a step over <paramref name="variables"/> at this rate.</summary>
        public void Begin(IReadOnlyList<Variable> variables, float learningRate)
        {
            _variables.Clear();
            _applied.Clear();
            foreach (var v in variables) _variables[v.Value] = v;
            _learningRate = learningRate;
        }

        /// <summary>Whether the backward pass applied the update of <paramref name="w"/>.</summary>
        public bool WasApplied(Tensor w) => _applied.Contains(w);

        protected override WeightRangeUpdate? UpdateFor(Tensor w) =>
            _variables.TryGetValue(w, out var v) ? optimizer.RangeUpdate(w, optimizer.SlotsFor(v), _learningRate) : null;

        protected override void OnApplied(Tensor w) => _applied.Add(w);
    }

    private void Update(List<(Variable Variable, Tensor Grad)> grads)
    {
        float lr = (float)LearningRate;
        if (GlobalClipnorm is { } gc) ClipGlobal(grads, (float)gc);
        foreach (var (v, grad) in grads)
        {
            var g = grad;
            // A gradient may be shared by two weights (x + y passes one tensor to both), so
            // clipping works on a copy.
            if (Clipvalue is not null || Clipnorm is not null) g = g.Clone();
            if (Clipvalue is { } cv) g.Backend.Unary(Tensors.Backends.UnaryOp.Clip, g, g, -(float)cv, (float)cv);
            if (Clipnorm is { } cn) ClipNorm(g, (float)cn);
            if (WeightDecay is { } wd && wd > 0) v.Value.Backend.Axpy(-(float)wd * lr, v.Value, v.Value);
            UpdateStep(v.Value, g, SlotsFor(v), lr);
            v.Value.MarkWritten();   // what inference derived from the weight (a folded kernel) is stale now
            if (v.Constraint is { } c) v.Value.Assign(c.Call(v.Value));
        }
    }

    /// <summary>
    /// Keras's <c>_update_model_variables_moving_average</c> over every variable the optimizer was
    /// built on: the first update copies the weights (momentum 0), later ones decay toward them; every
    /// <see cref="EmaOverwriteFrequency"/> updates the weights take the average.
    /// </summary>
    private void UpdateAverages()
    {
        float m = Iterations != 0 ? (float)EmaMomentum : 0f;
        foreach (var v in _built)
        {
            var a = _averages[v];
            a.Assign(Ops.Add(Ops.Multiply(a, m), Ops.Multiply(v.Value, 1 - m)));
        }
        if (EmaOverwriteFrequency is int f && (Iterations + 1) % f == 0) FinalizeVariableValues(_built);
    }

    /// <summary>
    /// Sets the trained weights to their moving averages when <see cref="UseEma"/> is on, and does
    /// nothing otherwise (Keras's <c>optimizer.finalize_variable_values</c>, which <c>Fit</c> calls at
    /// its end).
    /// </summary>
    /// <param name="variables">The weights to set; those the optimizer holds no average for are left alone.</param>
    public void FinalizeVariableValues(IReadOnlyList<Variable> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        if (!UseEma) return;
        using (GradMode.NoGrad())
            foreach (var v in variables)
                if (_averages.TryGetValue(v, out var a)) v.Value.Assign(a);
    }

    /// <summary>The moving average of <paramref name="v"/> (with <see cref="UseEma"/>), created with its slots.</summary>
    internal Tensor AverageFor(Variable v) { SlotsFor(v); return _averages[v]; }

    /// <summary>The gradient accumulator of <paramref name="v"/> (with <see cref="GradientAccumulationSteps"/>), created with its slots.</summary>
    internal Tensor AccumulatorFor(Variable v) { SlotsFor(v); return _accumulators[v]; }

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
        using (Tensors.TensorScope.Suspend())   // slots outlive the step
        {
            slots = CreateSlots(v);
            if (UseEma) _averages[v] = ZerosLike(v);
            if (GradientAccumulationSteps is not null) _accumulators[v] = ZerosLike(v);
        }
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

    /// <summary>
    /// The entries of <paramref name="group"/> Keras creates for <paramref name="v"/>: all of them,
    /// unless the optimizer's state depends on the weight (Adafactor factors only weights with two or
    /// more axes).
    /// </summary>
    internal virtual IEnumerable<(string Name, int Slot)> KerasSlots(Variable v, (string Name, int Slot)[] group) => group;

    /// <summary>The shape of slot <paramref name="slot"/> of <paramref name="v"/>: the weight's, unless the optimizer keeps a reduced one (Adafactor's factors).</summary>
    internal virtual Shape KerasSlotShape(Variable v, int slot) => v.Shape;

    /// <summary>Keras's default optimizer name (<c>adam</c>, <c>SGD</c>, …), which prefixes its variable paths.</summary>
    internal virtual string KerasName => Name.ToLowerInvariant();

    private static void ClipNorm(Tensor g, float max)
    {
        float norm = MathF.Sqrt(Ops.Sum(Ops.Square(g)).Item());
        if (norm > max) g.Backend.Unary(Tensors.Backends.UnaryOp.MulScalar, g, g, max / norm);
    }

    private static void ClipGlobal(List<(Variable Variable, Tensor Grad)> grads, float max)
    {
        double sq = grads.Sum(p => (double)Ops.Sum(Ops.Square(p.Grad)).Item());
        float norm = (float)Math.Sqrt(sq);
        if (norm > max)
            for (int i = 0; i < grads.Count; i++) grads[i] = (grads[i].Variable, Ops.Multiply(grads[i].Grad, max / norm));
    }

    /// <summary>Per-variable state tensors (momentum, moments, …), created on first update.</summary>
    protected abstract Tensor[] CreateSlots(Variable v);

    /// <summary>The optimizer's rule: updates <paramref name="w"/> in place from <paramref name="g"/>.</summary>
    protected abstract void UpdateStep(Tensor w, Tensor g, Tensor[] slots, float lr);

    /// <summary>Hook after each full update (Nadam's running product).</summary>
    protected virtual void OnIterationEnd() { }

    /// <summary>A zero tensor shaped like <paramref name="v"/>.</summary>
    protected static Tensor ZerosLike(Variable v) => Tensor.ZerosLike(v.Value);

    /// <summary>Resolves Keras identifiers with Keras's defaults: <c>sgd</c>, <c>adam</c>, <c>adamw</c>, <c>rmsprop</c>, <c>adagrad</c>, <c>nadam</c>, <c>adamax</c>, <c>adadelta</c>, <c>lion</c>, <c>lamb</c>, <c>ftrl</c>, <c>adafactor</c>.</summary>
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
        "lamb" => new Lamb(),
        "ftrl" => new Ftrl(),
        "adafactor" => new Adafactor(),
        _ => throw new ArgumentException($"Optimizer: expected one of sgd, adam, adamw, rmsprop, adagrad, nadam, adamax, adadelta, lion, lamb, ftrl, adafactor; got '{identifier}'."),
    };

    /// <summary>Lets a Keras identifier stand where an optimizer is expected (<c>optimizer: "sgd"</c>).</summary>
    public static implicit operator Optimizer(string identifier) => Get(identifier);
}
