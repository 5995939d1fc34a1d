using Graft.Layers;
using Graft.Losses;
using Graft.Metrics;
using Graft.Optimizers;
using Graft.Tensors;
using Graft.Training;
using Graft.Training.Callbacks;

namespace Graft.Models;

public partial class Model
{
    private CompileState? _compiled;

    /// <summary>True after <see cref="Compile"/>.</summary>
    public bool IsCompiled => _compiled is not null;

    /// <summary>The compiled optimizer, or null.</summary>
    public Optimizer? Optimizer => _compiled?.Optimizer;

    /// <summary>The compiled loss, or null.</summary>
    public Loss? Loss => _compiled?.Loss;

    /// <summary>The compiled metrics (empty before compiling).</summary>
    public IReadOnlyList<Metric> Metrics => _compiled?.Metrics ?? [];

    /// <summary>
    /// When true (the default), <see cref="Fit"/> computes the outputs of frozen bottom layers once
    /// instead of every step (see the README's "frozen layers" section). Results are the same;
    /// set false to re-run them every step as Keras does.
    /// </summary>
    public bool CacheFrozenLayers { get; set; } = true;

    /// <summary>Set by callbacks to end <see cref="Fit"/> after the current batch.</summary>
    public bool StopTraining { get; set; }

    /// <summary>
    /// Configures training (Keras's <c>model.compile</c>). Strings resolve as in Keras
    /// (<c>loss: "binary_crossentropy"</c>, <c>optimizer: "sgd"</c>, <c>metrics: ["accuracy"]</c>).
    /// The layers' current <see cref="Layer.Trainable"/> flags are fixed here: change them, then compile again.
    /// </summary>
    public void Compile(Loss loss, Optimizer optimizer, IEnumerable<Metric>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        var list = (metrics ?? []).Select(m => m.CloneEmpty()).ToList();
        var dup = list.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new ArgumentException($"{Describe()}.Compile: expected distinct metric names, got '{dup.Key}' twice.");
        var flags = new Dictionary<Layer, bool>(ReferenceEqualityComparer.Instance);
        foreach (var layer in AllLayers(this)) flags[layer] = layer.Trainable;
        _compiled = new CompileState(loss, optimizer, list, flags);
    }

    private static IEnumerable<Layer> AllLayers(Layer root)
    {
        foreach (var l in root.SubLayers)
        {
            yield return l;
            foreach (var inner in AllLayers(l)) yield return inner;
        }
    }

    private CompileState Compiled(string method) => _compiled
        ?? throw new InvalidOperationException($"{Describe()}.{method}: expected a compiled model, got one that was never compiled. Call Compile(loss, optimizer, metrics) first.");

    /// <summary>
    /// Trains for <paramref name="epochs"/> epochs (Keras's <c>model.fit</c>) and returns the
    /// per-epoch history of the loss and metrics (and their <c>val_</c> versions with validation data).
    /// </summary>
    /// <param name="x">Inputs, samples along the first axis.</param>
    /// <param name="y">Targets, as many samples as x.</param>
    /// <param name="batchSize">Samples per gradient step (default 32).</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="validationData">Data evaluated at each epoch's end.</param>
    /// <param name="validationSplit">Fraction of x/y (the last samples, before shuffling) held out for validation.</param>
    /// <param name="shuffle">Reshuffle the samples each epoch (from the current context's <see cref="GraftContext.Generator"/>).</param>
    /// <param name="callbacks">Hooks such as <see cref="EarlyStopping"/>.</param>
    /// <param name="verbose">0 silent, 1 progress bar, 2 one line per epoch, written to <see cref="GraftContext.ProgressWriter"/> (nowhere unless set).</param>
    /// <param name="initialEpoch">Epoch to start from (resuming).</param>
    /// <exception cref="InvalidOperationException">The model was not compiled.</exception>
    /// <exception cref="ArgumentException">The data are empty, of different lengths, not finite, or do not fit the loss.</exception>
    /// <exception cref="NotSupportedException">The model has several outputs (per-output losses are not supported yet).</exception>
    /// <remarks>Not thread-safe: one Fit at a time per model, and no Predict on the same model from other threads meanwhile (the weights change in place).</remarks>
    public History Fit(Tensor x, Tensor y, int batchSize = 32, int epochs = 1, (Tensor X, Tensor Y)? validationData = null,
        double validationSplit = 0, bool shuffle = true, IEnumerable<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0)
        => new Trainer(this, Compiled(nameof(Fit))).Fit(x, y, batchSize, epochs, validationData, validationSplit, shuffle, callbacks, verbose, initialEpoch);

    /// <summary>Loss and metrics over (x, y) in inference mode (Keras's <c>model.evaluate</c>): keys <c>"loss"</c> and the metric names.</summary>
    /// <exception cref="NotSupportedException">The model has several outputs (per-output losses are not supported yet).</exception>
    /// <remarks>Not thread-safe: the compiled metrics accumulate state, so run one Evaluate at a time per model (use Predict from several threads).</remarks>
    public IReadOnlyDictionary<string, double> Evaluate(Tensor x, Tensor y, int batchSize = 32)
        => new Trainer(this, Compiled(nameof(Evaluate))).Evaluate(x, y, batchSize);
}
