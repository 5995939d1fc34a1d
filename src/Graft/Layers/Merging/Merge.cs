using Graft.Autograd;
using Graft.Tensors;

namespace Graft.Layers.Merging;

/// <summary>
/// The base of layers that combine several tensors of the same shape (Keras's <c>layers.Add</c>,
/// <c>Concatenate</c>, …). Call them with a list: <c>new Add().Call([a, b])</c>.
/// </summary>
public abstract class Merge : Layer
{
    /// <inheritdoc/>
    protected Merge(string? name) : base(name) { }

    /// <summary>Combines the inputs (at least two), building the layer first if needed.</summary>
    public Tensor Call(IReadOnlyList<Tensor> inputs, bool training = false) => CallWith(inputs, training, Combine);

    /// <summary>
    /// <see cref="Call(IReadOnlyList{Tensor}, bool)"/> with another combination rule, for merges whose
    /// call takes options (attention's causal mask): builds, combines, records the activity penalty, sets the mask.
    /// </summary>
    private protected Tensor CallWith(IReadOnlyList<Tensor> inputs, bool training, Func<IReadOnlyList<Tensor>, Tensor> combine)
    {
        if (inputs.Count < 2) throw new ArgumentException($"{Describe()}: expected at least 2 inputs, got {inputs.Count}.");
        using var call = OutermostCall.Enter(this);
        if (!BuildDone) BuildOnce(() => Build(inputs.Select(x => BatchShape(x.Shape)).ToList()));
        Training = training;
        var y = combine(inputs);
        PenalizeActivity(y);
        var mask = inputs.Any(x => x.Mask is not null) ? MergeMask(inputs) : null;
        if (mask is not null || y.Mask is not null) y.Mask = mask;
        return y;
    }

    /// <summary>
    /// The output's sequence mask from the inputs' (each input's <c>Mask</c>, some of them null), as
    /// Keras's <c>compute_mask</c>: by default a step is kept where every masked input keeps it.
    /// </summary>
    protected internal virtual Tensor? MergeMask(IReadOnlyList<Tensor> inputs)
    {
        Tensor? all = null;
        foreach (var m in inputs.Select(x => x.Mask).OfType<Tensor>())
            all = all is null ? m : Ops.Multiply(all, m);
        return all;
    }

    /// <summary>The mode of the current call (for merges that behave differently in training, such as attention dropout).</summary>
    protected bool Training { get; private set; }

    /// <summary>Calls the layer on symbolic tensors (functional API).</summary>
    public Models.SymbolicTensor Call(IReadOnlyList<Models.SymbolicTensor> inputs, bool? training = null) => CallWith(inputs, training, null);

    /// <summary>The functional call with the call's other arguments in Keras's form (see <see cref="Models.Node.Kwargs"/>).</summary>
    private protected Models.SymbolicTensor CallWith(IReadOnlyList<Models.SymbolicTensor> inputs, bool? training, System.Text.Json.Nodes.JsonObject? kwargs)
    {
        if (inputs.Count < 2) throw new ArgumentException($"{Describe()}: expected at least 2 inputs, got {inputs.Count}.");
        return Models.FunctionalGraph.Record(this, inputs.ToArray(), training, kwargs);
    }

    internal override Tensor[] CallNode(IReadOnlyList<Tensor> inputs, bool training) => [Call(inputs, training)];

    internal override int?[][] BuildNode(IReadOnlyList<int?[]> inputShapes)
    {
        if (inputShapes.Count < 2) throw new ArgumentException($"{Describe()}: expected at least 2 inputs, got {inputShapes.Count}.");
        if (!BuildDone) BuildOnce(() => Build(inputShapes));
        return [ComputeOutputShape(inputShapes)];
    }

    /// <summary>Creates the weights for these input shapes; by default from the first one's.</summary>
    public virtual void Build(IReadOnlyList<int?[]> inputShapes) => Build(inputShapes[0]);

    /// <summary>The combination rule.</summary>
    protected abstract Tensor Combine(IReadOnlyList<Tensor> inputs);

    /// <summary>Output shape for the inputs' shapes: by default they broadcast as in NumPy (axes aligned from the end; each pair equal, or one of them 1).</summary>
    /// <exception cref="ArgumentException">The shapes do not broadcast.</exception>
    public virtual int?[] ComputeOutputShape(IReadOnlyList<int?[]> shapes)
    {
        int rank = shapes.Max(s => s.Length);
        var r = new int?[rank];
        r[0] = shapes.Select(s => s.Length > 0 ? s[0] : null).FirstOrDefault(d => d is not null);
        for (int k = 1; k < rank; k++)
        {
            var dims = shapes.Where(s => s.Length - k >= 1).Select(s => s[^k]).ToList();
            var sizes = dims.Where(d => d is not null and not 1).Distinct().ToList();
            if (sizes.Count > 1)
                throw new ArgumentException($"{Describe()}: expected input shapes that broadcast (each axis equal or 1), got {string.Join(", ", shapes.Select(FormatShape))}.");
            r[^k] = sizes.Count == 1 ? sizes[0] : dims.Any(d => d is null) ? null : 1;
        }
        return r;
    }

    /// <inheritdoc/>
    /// <remarks>A merge takes a list: a single input (a merge inside a Sequential) is an error found while building, not at the first call.</remarks>
    public override int?[] ComputeOutputShape(int?[] inputShape) =>
        throw new ArgumentException($"{Describe()}: expected a list of at least 2 inputs (a functional model), got a single input of shape {FormatShape(inputShape)}.");

    /// <inheritdoc/>
    protected override Tensor Forward(Tensor inputs, bool training) =>
        throw new ArgumentException($"{Describe()}: expected a list of at least 2 tensors (Call([a, b])), got a single tensor of shape {inputs.Shape}.");
}
