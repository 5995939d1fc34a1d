using System.Text.Json.Nodes;
using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers;

/// <summary>
/// The base of every layer, with Keras's contract: the constructor stores configuration,
/// <see cref="Build"/> creates the weights once the input shape is known, <see cref="Call(Tensor, bool)"/>
/// computes, <see cref="GetConfig"/> serializes. A layer object may be shared by several models:
/// its weights are then the same tensors in all of them.
/// </summary>
public abstract class Layer
{
    private readonly List<Variable> _variables = [];
    private readonly Lock _buildLock = new();
    private volatile bool _built;
    // Set only after a Build has returned, so a thread that reads it true sees every weight; Built
    // alone is not enough, because a Build override may set it before creating its weights.
    private volatile bool _buildDone;
    private bool _trainable = true;

    /// <param name="name">Unique name; defaults to Keras's automatic one (<c>dense</c>, <c>dense_1</c>, …).</param>
    /// <param name="inputShape">Shape of one sample (no batch axis): the layer builds at once, as Keras's <c>input_shape</c>.</param>
    protected Layer(string? name = null, int[]? inputShape = null)
    {
        Name = name ?? LayerNames.Unique(LayerNames.ToSnakeCase(GetType().Name));
        if (inputShape is not null)
        {
            foreach (int d in inputShape)
                if (d == 0 || d < -1) throw new ArgumentException($"{Describe()}: expected an input shape of positive dimensions (or -1 for any), got {Shape.Format(inputShape)}.");
            DeclaredInputShape = (int[])inputShape.Clone();
        }
    }

    /// <summary>The layer's unique name.</summary>
    public string Name { get; }

    /// <summary>Keras's class name, as written in model files (<c>Dense</c>, <c>Conv2D</c>, …).</summary>
    public virtual string ClassName => RegisteredClassName ?? GetType().Name;

    /// <summary>The class name a file used for this layer when a registered factory built it as another class.</summary>
    internal string? RegisteredClassName { get; set; }

    /// <summary>
    /// Whether the optimizer updates this layer's weights. Setting it on a model sets it on every
    /// layer inside. As in Keras, a change takes effect at the next <c>Compile</c>.
    /// </summary>
    public virtual bool Trainable
    {
        get => _trainable;
        set
        {
            _trainable = value;
            foreach (var layer in SubLayers) layer.Trainable = value;
        }
    }

    /// <summary>True once <see cref="Build"/> has created the weights.</summary>
    public bool Built { get => _built; protected set => _built = value; }

    /// <summary>The input shape the layer was built for (batch axis null), or null before building.</summary>
    public int?[]? BuiltInputShape { get; private set; }

    /// <summary>The per-sample input shape given to the constructor, if any.</summary>
    public int[]? DeclaredInputShape { get; }

    /// <summary>Layers nested inside this one (a model's layers, a wrapper's inner layer).</summary>
    protected internal virtual IEnumerable<Layer> SubLayers => [];

    /// <summary>All weights in Keras's order: trainable ones, then non-trainable ones, then those of nested layers.</summary>
    public IReadOnlyList<Variable> Weights
    {
        get
        {
            var all = new List<Variable>();
            var seen = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
            foreach (var v in _variables.Where(v => v.Trainable).Concat(_variables.Where(v => !v.Trainable)))
                if (seen.Add(v)) all.Add(v);
            foreach (var layer in SubLayers)
                foreach (var v in layer.Weights)
                    if (seen.Add(v)) all.Add(v);
            return all;
        }
    }

    /// <summary>Weights the optimizer updates: none when the layer is frozen.</summary>
    public IReadOnlyList<Variable> TrainableWeights =>
        !Trainable ? [] : Distinct(_variables.Where(v => v.Trainable).Concat(SubLayers.SelectMany(l => l.TrainableWeights)));

    /// <summary>Weights the optimizer leaves alone: all of them when the layer is frozen.</summary>
    public IReadOnlyList<Variable> NonTrainableWeights =>
        !Trainable ? Weights : Distinct(_variables.Where(v => !v.Trainable).Concat(SubLayers.SelectMany(l => l.NonTrainableWeights)));

    private static List<Variable> Distinct(IEnumerable<Variable> vs)
    {
        var seen = new HashSet<Variable>(ReferenceEqualityComparer.Instance);
        return vs.Where(seen.Add).ToList();
    }

    /// <summary>
    /// Creates the weights for inputs of <paramref name="inputShape"/> (batch axis first, null when
    /// unknown). Called by <see cref="Call(Tensor, bool)"/> on first use; call it yourself to build early.
    /// </summary>
    /// <remarks>
    /// Not thread-safe when called directly: build before sharing the layer between threads, or
    /// let the first <see cref="Call(Tensor, bool)"/> build it, which builds once even when several threads
    /// make the first call together.
    /// </remarks>
    public virtual void Build(int?[] inputShape)
    {
        BuiltInputShape = (int?[])inputShape.Clone();
        Built = true;
    }

    /// <summary>
    /// Builds for <paramref name="inputShape"/> unless built: exactly once even when several threads
    /// make the first call together (two racing builds would each add the weights). A built layer
    /// pays one volatile read.
    /// </summary>
    internal void EnsureBuilt(int?[] inputShape)
    {
        if (!_buildDone) BuildOnce(() => Build(inputShape));
    }

    /// <summary>True once a build has completed under the build lock (see <see cref="BuildOnce"/>).</summary>
    private protected bool BuildDone => _buildDone;

    /// <summary>
    /// Runs <paramref name="build"/> under this layer's build lock unless the layer is built, for
    /// layers whose build takes more than one shape (merges). Locks nest from a container to the
    /// layers inside it, never the other way, so nested builds cannot deadlock.
    /// </summary>
    private protected void BuildOnce(Action build)
    {
        lock (_buildLock)
        {
            if (!Built) build();
            _buildDone = true;
        }
    }

    /// <summary>Runs the layer (Keras's <c>layer(x, training=...)</c>), building it first if needed.</summary>
    /// <param name="inputs">A batch; the first axis is the batch.</param>
    /// <param name="training">Training mode: dropout and noise are active, batch statistics are used.</param>
    public Tensor Call(Tensor inputs, bool training = false)
    {
        using var call = OutermostCall.Enter(this);
        if (!_buildDone) EnsureBuilt(BatchShape(inputs.Shape));
        var y = Forward(inputs, training);
        PenalizeActivity(y);
        if (inputs.Mask is null && y.Mask is null) return y;
        var mask = ComputeMask(inputs, inputs.Mask, y);
        if (!ReferenceEquals(y, inputs) || mask is not null) y.Mask = mask;
        return y;
    }

    private List<Tensor>? _callLosses;
    // The outputs whose activity penalty this call already recorded: a graph call reaches the
    // penalty both through Call and through RunNode, and must count it once.
    private List<Tensor>? _penalizedOutputs;

    /// <summary>
    /// A penalty on the layer's output, added to the loss (Keras's <c>activity_regularizer</c>, which
    /// every Keras layer takes): regularizer(output) / batch size for each output of each call, in
    /// training and evaluation alike. Set it with an initializer:
    /// <c>new Dense(64) { ActivityRegularizer = new L2(0.01f) }</c>; null (the default) adds nothing.
    /// </summary>
    /// <remarks>
    /// The division by the batch size is Keras 2's (<c>base_layer._handle_activity_regularization</c>)
    /// and Keras 3.14's onward (<c>Layer.__call__</c>), the rule both formats' files get when loaded
    /// by today's Keras; Keras 3.0 to 3.13 added the penalty without dividing. MultiHeadAttention,
    /// as in Keras, puts the penalty on its four projections rather than on its output.
    /// </remarks>
    public Regularizers.Regularizer? ActivityRegularizer { get; set; }

    /// <summary>Whether <see cref="ActivityRegularizer"/> applies to the layer's outputs (false for a layer that puts it on its parts).</summary>
    private protected virtual bool PenalizesOutputActivity => true;

    private protected void PenalizeActivity(Tensor output)
    {
        if (ActivityRegularizer is null || !PenalizesOutputActivity) return;
        if (_penalizedOutputs is { } seen && seen.Any(t => ReferenceEquals(t, output))) return;
        (_penalizedOutputs ??= []).Add(output);
        AddActivityPenalty(output);
    }

    /// <summary>
    /// Records <see cref="ActivityRegularizer"/>'s penalty on <paramref name="activity"/>, divided by its
    /// batch size (nothing without a regularizer), for layers whose penalty falls on their parts.
    /// </summary>
    private protected void AddActivityPenalty(Tensor activity)
    {
        if (ActivityRegularizer is not { } r) return;
        var loss = r.Call(activity);
        // Keras's divide_no_nan: an empty batch adds nothing.
        if (activity.Rank > 0) loss = activity.Shape[0] == 0 ? Ops.Multiply(loss, 0f) : Ops.Multiply(loss, 1f / activity.Shape[0]);
        AddLoss(loss);
    }

    /// <summary>
    /// Records a loss computed during this call (Keras's <c>add_loss</c>), such as an activity
    /// penalty: training adds it to the compiled loss. The losses of a call live until the next
    /// outermost call of any layer on this thread, as Keras clears a model's losses on each call.
    /// </summary>
    protected void AddLoss(Tensor loss) => (_callLosses ??= []).Add(loss);

    /// <summary>Forgets the losses this layer and its nested layers recorded in earlier calls.</summary>
    internal void ClearCallLosses()
    {
        _callLosses?.Clear();
        _penalizedOutputs?.Clear();
        foreach (var layer in SubLayers) layer.ClearCallLosses();
    }

    /// <summary>The losses recorded by <see cref="AddLoss"/> in this layer and its nested layers since the last outermost call (each layer once).</summary>
    private IEnumerable<Tensor> CallLosses(HashSet<Layer> seen)
    {
        if (!seen.Add(this)) yield break;
        if (_callLosses is not null) foreach (var loss in _callLosses) yield return loss;
        foreach (var layer in SubLayers)
            foreach (var loss in layer.CallLosses(seen)) yield return loss;
    }

    /// <summary>
    /// Marks the outermost layer call on a thread: entering it clears the losses its layers recorded
    /// in earlier calls, so that a model's losses are those of its latest forward pass.
    /// </summary>
    private protected readonly struct OutermostCall : IDisposable
    {
        [ThreadStatic] private static int t_depth;

        /// <summary>Enters a call of <paramref name="layer"/>; the first on the thread clears its old losses.</summary>
        public static OutermostCall Enter(Layer layer)
        {
            if (t_depth++ == 0) layer.ClearCallLosses();
            return default;
        }

        /// <inheritdoc/>
        public void Dispose() => t_depth--;
    }

    /// <summary>
    /// Whether a sequence mask on the input passes through to the output unchanged (Keras's
    /// <c>supports_masking</c>): true for layers that work on each step alone (Dense, activations,
    /// dropout, normalization). A masked input reaching a layer that neither supports nor consumes
    /// masks is an error, as in Keras 2, rather than a silently different answer.
    /// </summary>
    protected internal virtual bool SupportsMasking => false;

    /// <summary>
    /// The output's mask for an input with <paramref name="mask"/> (Keras's <c>compute_mask</c>):
    /// by default the same mask when <see cref="SupportsMasking"/>, none when there was none.
    /// </summary>
    /// <exception cref="NotSupportedException">A masked input reached a layer that cannot honour the mask.</exception>
    protected internal virtual Tensor? ComputeMask(Tensor inputs, Tensor? mask, Tensor output)
    {
        if (mask is null || SupportsMasking) return mask;
        throw new NotSupportedException($"{Describe()}: expected an input without a sequence mask, got a masked input (from Embedding(maskZero: true) or Masking upstream); "
            + "this layer does not support masking. Masks are honoured by Dense, activations, dropout, normalization, TimeDistributed, "
            + "SimpleRNN/LSTM/GRU/RNN, Bidirectional, merges, attention and GlobalAveragePooling1D.");
    }

    /// <summary>
    /// Calls the layer on a symbolic tensor (Keras's functional API): builds it for that shape and
    /// records the call. <paramref name="training"/> fixes the mode of this call (the Keras recipe
    /// <c>base.Call(x, training: false)</c> keeps a base's BatchNormalization in inference mode).
    /// </summary>
    public Models.SymbolicTensor Call(Models.SymbolicTensor inputs, bool? training = null) => Models.FunctionalGraph.Record(this, [inputs], training);

    /// <summary>
    /// One call of this layer in a functional graph, on all of its input tensors, giving all of its
    /// outputs. Most layers take one tensor and give one; merges take several, recurrent layers take
    /// initial states and give states, Bidirectional without a merge mode gives both directions.
    /// </summary>
    internal virtual Tensor[] CallNode(IReadOnlyList<Tensor> inputs, bool training) =>
        inputs.Count == 1 ? [Call(inputs[0], training)] : throw new ArgumentException($"{Describe()}: expected one input, got {inputs.Count}.");

    /// <summary>
    /// One call in a functional graph with the call's other keyword arguments (<see cref="Models.Node.Kwargs"/>,
    /// Keras's form); by default they are ignored. Layers with call options (attention's
    /// <c>use_causal_mask</c>) override it.
    /// </summary>
    internal virtual Tensor[] CallNode(IReadOnlyList<Tensor> inputs, bool training, JsonObject? kwargs) => CallNode(inputs, training);

    /// <summary>Runs one graph call (see <see cref="CallNode(IReadOnlyList{Tensor}, bool, JsonObject?)"/>), recording the activity penalty of every output.</summary>
    internal Tensor[] RunNode(IReadOnlyList<Tensor> inputs, bool training, JsonObject? kwargs)
    {
        var outputs = CallNode(inputs, training, kwargs);
        foreach (var y in outputs) PenalizeActivity(y);
        return outputs;
    }

    /// <summary>Builds the layer for a graph call's input shapes and returns the shapes of its outputs (see <see cref="CallNode(IReadOnlyList{Tensor}, bool)"/>).</summary>
    internal virtual int?[][] BuildNode(IReadOnlyList<int?[]> inputShapes)
    {
        if (inputShapes.Count != 1) throw new ArgumentException($"{Describe()}: expected one input, got {inputShapes.Count}.");
        EnsureBuilt(inputShapes[0]);
        return [ComputeOutputShape(inputShapes[0])];
    }

    /// <summary>The number of times this layer has been called symbolically (Keras's node index).</summary>
    internal int SymbolicCalls { get; set; }

    /// <summary>The symbolic calls of this layer, in order.</summary>
    internal List<Models.Node> InboundNodes { get; } = [];

    /// <summary>
    /// The symbolic output of this layer's call in a functional model (Keras's <c>layer.output</c>),
    /// used to cut a model: <c>new Model(base.Input, base.GetLayer("block3_pool").Output)</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The layer was never called symbolically, or was called several times.</exception>
    public Models.SymbolicTensor Output => InboundNodes.Count switch
    {
        1 => InboundNodes[0].Output,
        0 => throw new InvalidOperationException($"{Describe()}.Output: expected a layer called on a symbolic tensor, got one never called in a functional model."),
        _ => throw new InvalidOperationException($"{Describe()}.Output: expected a layer called once, got {InboundNodes.Count} calls (a shared layer has one output per call)."),
    };

    /// <summary>The computation; <paramref name="inputs"/> has a batch axis first.</summary>
    protected abstract Tensor Forward(Tensor inputs, bool training);

    /// <summary>Output shape for an input shape (batch axis null when unknown).</summary>
    public virtual int?[] ComputeOutputShape(int?[] inputShape) => inputShape;

    /// <summary>
    /// The layer's configuration in Keras's JSON form (keys as in <c>get_config()</c>): the name, the
    /// trainable flag, the declared input shape, and every option its constructor declares (each
    /// parameter's snake_case key and the value of the property of its name; see <see cref="KerasConfigAttribute"/>).
    /// </summary>
    public virtual JsonObject GetConfig()
    {
        var c = new JsonObject { ["name"] = Name, ["trainable"] = Trainable, ["dtype"] = "float32" };
        if (DeclaredInputShape is not null)
            c["batch_input_shape"] = new JsonArray([null, .. DeclaredInputShape.Select(d => (JsonNode)d)]);
        if (DeclaresOptions) LayerConfig.Write(this, c);
        if (ActivityRegularizer is { } r) c["activity_regularizer"] = r.Serialize();
        return c;
    }

    /// <summary>
    /// A new layer with the same configuration, name and trainable flag, and fresh weights (Keras's
    /// <c>clone_model</c> for one layer): the declared options are copied, not serialized.
    /// </summary>
    internal virtual Layer CloneLayer() => LayerConfig.Clone(this);

    /// <summary>Whether the constructor declares the options (false for models, whose config is their layers).</summary>
    private protected virtual bool DeclaresOptions => true;

    /// <summary>
    /// Where each weight sits in Keras 3's weights file (<c>model.weights.h5</c>), relative to this
    /// layer's group: by default the layer's own weights at <c>vars/0</c>, <c>vars/1</c>, … (Keras's
    /// <c>save_own_variables</c>). A layer whose Keras counterpart keeps weights in sub-objects
    /// overrides this with the attribute names Keras's <c>saving_lib</c> walks (<c>cell/vars/0</c>).
    /// </summary>
    protected internal virtual IEnumerable<(string Path, Variable Weight)> KerasWeightPaths() =>
        _variables.Where(v => v.Trainable).Concat(_variables.Where(v => !v.Trainable)).Select((v, i) => ($"vars/{i}", v));

    /// <summary><paramref name="layer"/>'s <see cref="KerasWeightPaths"/> under the attribute <paramref name="attribute"/>.</summary>
    protected static IEnumerable<(string Path, Variable Weight)> KerasWeightPathsUnder(string attribute, Layer layer) =>
        layer.KerasWeightPaths().Select(p => ($"{attribute}/{p.Path}", p.Weight));

    /// <summary>Creates a weight (Keras's <c>add_weight</c>); called from <see cref="Build"/>, in Keras's order.</summary>
    protected Variable AddWeight(string name, int[] shape, Initializers.Initializer initializer, bool trainable = true,
        Regularizers.Regularizer? regularizer = null, Constraints.Constraint? constraint = null)
    {
        WeightCreation.Check(this, name, shape);   // before allocating: a file's config may claim absurd sizes
        Tensor value;
        using (TensorScope.Suspend()) value = initializer.Call(shape);   // weights outlive any scope they are built in
        var v = new Variable(this, name, value, trainable, regularizer, constraint);
        _variables.Add(v);
        return v;
    }

    /// <summary>Creates a weight with its initializer, regularizer and constraint (Keras's <c>add_weight</c>); called from <see cref="Build"/>, in Keras's order.</summary>
    protected Variable AddWeight(string name, int[] shape, Config.WeightOptions options, bool trainable = true) =>
        AddWeight(name, shape, options.Initializer, trainable, options.Regularizer, options.Constraint);

    /// <summary>
    /// The regularization penalties of this layer's weights (and nested layers'), then the losses its
    /// layers recorded in their latest call (activity penalties), to add to the loss (Keras's <c>losses</c>).
    /// </summary>
    public IEnumerable<Tensor> RegularizationLosses()
    {
        foreach (var v in Weights)
            if (v.Regularizer is { } r) yield return r.Call(v.Value);
        foreach (var loss in CallLosses(new HashSet<Layer>(ReferenceEqualityComparer.Instance))) yield return loss;
    }

    /// <summary>
    /// Whether <see cref="RegularizationLosses"/> gives anything: a weight of this layer or a nested one
    /// with a regularizer, or a loss recorded in the latest call. The training step asks this every
    /// batch, so it walks the layers without building the weight lists.
    /// </summary>
    internal bool HasRegularizationLosses()
    {
        foreach (var v in _variables)
            if (v.Regularizer is not null) return true;
        if (_callLosses is { Count: > 0 }) return true;
        foreach (var layer in SubLayers)
            if (layer.HasRegularizationLosses()) return true;
        return false;
    }

    /// <summary>Number of scalars in all weights.</summary>
    public long CountParams() => Weights.Sum(v => (long)v.Value.Size);

    /// <summary>Copies of the weights' values, in <see cref="Weights"/> order (Keras's <c>get_weights()</c>).</summary>
    public IReadOnlyList<Tensor> GetWeights() => Weights.Select(v => v.Value.Clone()).ToList();

    /// <summary>Sets the weights' values from tensors in <see cref="Weights"/> order (Keras's <c>set_weights()</c>).</summary>
    /// <exception cref="ArgumentException">The count or a shape differs; the message names the layer, the weight and both shapes.</exception>
    public void SetWeights(IEnumerable<Tensor> weights)
    {
        var values = weights.ToList();
        var mine = Weights;
        if (values.Count != mine.Count)
            throw new ArgumentException($"{Describe()}.SetWeights: expected {mine.Count} weight tensors ({string.Join(", ", mine.Select(v => v.Path))}), got {values.Count}.");
        for (int i = 0; i < values.Count; i++)
            if (values[i].Shape != mine[i].Shape)
                throw new ArgumentException($"{Describe()}.SetWeights: expected weight {i} ('{mine[i].Path}') of shape {mine[i].Shape}, got {values[i].Shape}.");
        for (int i = 0; i < values.Count; i++) mine[i].Value.Assign(values[i]);
    }

    /// <summary>
    /// True when <c>Call(x, training: true)</c> equals <c>Call(x, training: false)</c> for fixed
    /// weights: no dropout, no noise, no batch statistics. Frozen layers with this property can
    /// have their outputs computed once per <c>Fit</c> instead of every step.
    /// </summary>
    protected internal virtual bool TrainingMatchesInference => SubLayers.All(l => l.TrainingMatchesInference);

    /// <summary>
    /// Whether the gradient this layer's call records reads the values of its inputs (true unless a
    /// layer knows better). A model gives an intermediate tensor's memory back as soon as its last
    /// reader has run when neither the layer that made it (<see cref="KeepsOutputForBackward"/>)
    /// nor any reader needs its values for the backward pass: a BatchNormalization's output read
    /// only by a relu or an Add, as PyTorch's in-place relu overwrites it.
    /// </summary>
    internal virtual bool KeepsInputsForBackward => true;

    /// <summary>
    /// Whether the gradient this layer's call records reads the values of its output (true unless a
    /// layer knows better; see <see cref="KeepsInputsForBackward"/>). An activity penalty reads it.
    /// </summary>
    internal virtual bool KeepsOutputForBackward => true;

    /// <summary><c>ClassName 'name'</c>, the subject of this layer's error messages.</summary>
    protected internal string Describe() => $"{ClassName} '{Name}'";

    /// <summary>A tensor shape with its batch axis made unknown.</summary>
    internal static int?[] BatchShape(Shape s) => [null, .. s.Dims.Skip(1).Select(d => (int?)d)];

    /// <summary>Python's notation for a symbolic shape: <c>(None, 300)</c>.</summary>
    public static string FormatShape(int?[] shape) =>
        shape.Length == 1 ? $"({shape[0]?.ToString() ?? "None"},)" : "(" + string.Join(", ", shape.Select(d => d?.ToString() ?? "None")) + ")";

    /// <inheritdoc/>
    public override string ToString() => $"<{ClassName} name={Name}, built={Built}>";

    /// <summary>Throws when the input's last axis differs from what the layer was built for.</summary>
    protected void CheckLastDim(Tensor x, int expected)
    {
        if (x.Rank < 2 || x.Shape[^1] != expected)
            throw new ArgumentException($"{Describe()}: expected input with last dimension {expected}, got shape {x.Shape}.");
    }
}
