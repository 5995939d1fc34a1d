using Graft.Datasets;
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

    /// <summary>What Compile fixed (per-output losses, weights, metrics), for saving the compile config.</summary>
    internal CompileState? CompiledState => _compiled;

    /// <summary>True after <c>Compile</c>.</summary>
    public bool IsCompiled => _compiled is not null;

    /// <summary>The compiled optimizer, or null.</summary>
    public Optimizer? Optimizer => _compiled?.Optimizer;

    /// <summary>The compiled loss, or null.</summary>
    public Loss? Loss => _compiled?.Loss;

    /// <summary>The compiled metrics (empty before compiling).</summary>
    public IReadOnlyList<Metric> Metrics => _compiled?.Metrics ?? [];

    /// <summary>
    /// When true (the default), <c>Fit</c> computes the outputs of frozen bottom layers once
    /// instead of every step (see the README's "frozen layers" section). Results are the same;
    /// set false to re-run them every step as Keras does.
    /// </summary>
    public bool CacheFrozenLayers { get; set; } = true;

    /// <summary>Set by callbacks to end <c>Fit</c> after the current batch.</summary>
    public bool StopTraining { get; set; }

    /// <summary>
    /// Configures training (Keras's <c>model.compile</c>). Strings resolve as in Keras
    /// (<c>loss: "binary_crossentropy"</c>, <c>optimizer: "sgd"</c>, <c>metrics: ["accuracy"]</c>).
    /// The layers' current <see cref="Layer.Trainable"/> flags are fixed here: change them, then compile again.
    /// On a model with several outputs the loss applies to each output (as in Keras 3), and the metrics
    /// must be given per output with the overload that takes a dictionary.
    /// </summary>
    /// <param name="loss">The loss.</param>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="metrics">Metrics computed without sample weights (Keras's <c>metrics</c>).</param>
    /// <param name="weightedMetrics">Metrics that receive the sample weights of <c>Fit</c> and <c>Evaluate</c>, class weights
    /// included (Keras's <c>weighted_metrics</c>); one named like an unweighted metric logs as <c>weighted_&lt;name&gt;</c>.</param>
    /// <exception cref="ArgumentException">Two metrics of a list share a name, or metrics are given as one list for a model with several outputs.</exception>
    public void Compile(Loss loss, Optimizer optimizer, IEnumerable<Metric>? metrics = null, IEnumerable<Metric>? weightedMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        var list = (metrics ?? []).ToList();
        var weighted = (weightedMetrics ?? []).ToList();
        if (OutputCount > 1)
        {
            if (list.Count > 0 || weighted.Count > 0)
                throw new ArgumentException($"{Describe()}.Compile: expected metrics per output for a model with {OutputCount} outputs ({string.Join(", ", OutputNames)}), got one list. "
                    + "Pass a dictionary keyed by output name, as Keras does: metrics: new() {{ [\"name\"] = [\"accuracy\"] }}.");
            Compile(OutputNames.ToDictionary(n => n, _ => loss), optimizer);
            return;
        }
        _compiled = new CompileState(loss, optimizer, Fresh(list, ""), TrainableFlags(), Fresh(weighted, ""));
    }

    /// <summary>
    /// Configures training of a model with several outputs (Keras's <c>model.compile(loss={...},
    /// loss_weights={...}, metrics={...})</c>): a loss per output name, optional weights of the outputs in
    /// the total loss (default 1), and optional metrics per output. Logs and history hold the total
    /// <c>loss</c>, each output's unweighted <c>&lt;output&gt;_loss</c>, and its metrics as
    /// <c>&lt;output&gt;_&lt;metric&gt;</c> (<c>dense_1_accuracy</c>, <c>val_dense_1_accuracy</c>).
    /// </summary>
    /// <param name="loss">One loss per name in <see cref="OutputNames"/>.</param>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="metrics">Metrics by output name; outputs not listed have none.</param>
    /// <param name="lossWeights">Each output's weight in the total loss, by name; outputs not listed weigh 1.</param>
    /// <param name="weightedMetrics">Metrics by output name that receive the sample weights (Keras's <c>weighted_metrics</c>).</param>
    /// <exception cref="ArgumentException">A name is not an output's, an output has no loss, or a weight is not finite.</exception>
    public void Compile(IReadOnlyDictionary<string, Loss> loss, Optimizer optimizer, IReadOnlyDictionary<string, IEnumerable<Metric>>? metrics = null,
        IReadOnlyDictionary<string, double>? lossWeights = null, IReadOnlyDictionary<string, IEnumerable<Metric>>? weightedMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        var names = OutputNames;
        void CheckNames(IEnumerable<string> keys, string what)
        {
            var unknown = keys.Where(k => !names.Contains(k)).ToList();
            if (unknown.Count > 0)
                throw new ArgumentException($"{Describe()}.Compile: expected {what} keyed by output names ({string.Join(", ", names)}), got '{string.Join("', '", unknown)}'.");
        }
        CheckNames(loss.Keys, "losses");
        if (metrics is not null) CheckNames(metrics.Keys, "metrics");
        if (weightedMetrics is not null) CheckNames(weightedMetrics.Keys, "weighted metrics");
        if (lossWeights is not null) CheckNames(lossWeights.Keys, "loss weights");
        var missing = names.Where(n => !loss.ContainsKey(n)).ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"{Describe()}.Compile: expected a loss for every output, got none for '{string.Join("', '", missing)}'.");
        var weights = names.Select(n => lossWeights?.GetValueOrDefault(n, 1.0) ?? 1.0).ToArray();
        var bad = Array.FindIndex(weights, w => !double.IsFinite(w));
        if (bad >= 0) throw new ArgumentException($"{Describe()}.Compile: expected finite loss weights, got {weights[bad]} for '{names[bad]}'.");
        bool several = names.Count > 1;
        var perOutput = names.Select(n => Fresh((metrics?.GetValueOrDefault(n) ?? []).ToList(), several ? n + "_" : "")).ToArray();
        var all = perOutput.SelectMany(m => m).GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
        if (all is not null) throw new ArgumentException($"{Describe()}.Compile: expected distinct metric names, got '{all.Key}' twice.");
        var perOutputWeighted = names.Select(n => Fresh((weightedMetrics?.GetValueOrDefault(n) ?? []).ToList(), several ? n + "_" : "")).ToArray();
        _compiled = new CompileState(names.Select(n => loss[n] ?? throw new ArgumentNullException(nameof(loss), $"{Describe()}.Compile: expected a loss for '{n}', got null.")).ToArray(),
            weights, perOutput, several ? [.. names] : [""], optimizer, TrainableFlags(), perOutputWeighted);
    }

    /// <summary>
    /// Configures training of a model with several outputs with lists in the order of
    /// <see cref="OutputNames"/> (Keras's <c>model.compile(loss=[...], loss_weights=[...], metrics=[[...], [...]])</c>).
    /// Otherwise as the overload with dictionaries.
    /// </summary>
    /// <param name="loss">One loss per output, in output order.</param>
    /// <param name="optimizer">The optimizer.</param>
    /// <param name="metrics">One list of metrics per output, in output order.</param>
    /// <param name="lossWeights">One weight per output, in output order.</param>
    /// <param name="weightedMetrics">One list of metrics per output that receive the sample weights, in output order.</param>
    /// <exception cref="ArgumentException">A list's length differs from the number of outputs.</exception>
    public void Compile(IReadOnlyList<Loss> loss, Optimizer optimizer, IReadOnlyList<IEnumerable<Metric>>? metrics = null,
        IReadOnlyList<double>? lossWeights = null, IReadOnlyList<IEnumerable<Metric>>? weightedMetrics = null)
    {
        ArgumentNullException.ThrowIfNull(loss);
        var names = OutputNames;
        void CheckCount(int count, string what)
        {
            if (count != names.Count)
                throw new ArgumentException($"{Describe()}.Compile: expected {what} for each of the {names.Count} outputs ({string.Join(", ", names)}), got {count}.");
        }
        CheckCount(loss.Count, "a loss");
        if (metrics is not null) CheckCount(metrics.Count, "a list of metrics");
        if (lossWeights is not null) CheckCount(lossWeights.Count, "a loss weight");
        if (weightedMetrics is not null) CheckCount(weightedMetrics.Count, "a list of weighted metrics");
        Compile(names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => loss[p.i]), optimizer,
            metrics is null ? null : names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => metrics[p.i]),
            lossWeights is null ? null : names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => lossWeights[p.i]),
            weightedMetrics is null ? null : names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => weightedMetrics[p.i]));
    }

    /// <summary>Fresh copies of the metrics, named with the output's prefix; duplicate names are an error.</summary>
    private List<Metric> Fresh(List<Metric> metrics, string prefix)
    {
        var list = metrics.Select(m =>
        {
            var copy = m.CloneEmpty();
            copy.Name = prefix + copy.Name;
            return copy;
        }).ToList();
        var dup = list.GroupBy(m => m.Name).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null) throw new ArgumentException($"{Describe()}.Compile: expected distinct metric names, got '{dup.Key}' twice.");
        return list;
    }

    private Dictionary<Layer, bool> TrainableFlags()
    {
        var flags = new Dictionary<Layer, bool>(ReferenceEqualityComparer.Instance);
        foreach (var layer in AllLayers(this)) flags[layer] = layer.Trainable;
        return flags;
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
    /// <param name="sampleWeight">A weight per sample, shape (samples,): each sample's loss is multiplied by it and the sum divided by the batch size (Keras's <c>sample_weight</c>). Compile's weightedMetrics are weighted by it, its metrics are not.</param>
    /// <param name="classWeight">A weight per class index (Keras's <c>class_weight</c>): each training sample weighs its class's weight, 1 for classes not listed; the class is the target, or its arg-max for one-hot targets. Not with sampleWeight.</param>
    /// <exception cref="InvalidOperationException">The model was not compiled.</exception>
    /// <exception cref="ArgumentException">The data are empty, of different lengths, not finite, or do not fit the loss; or the model has several inputs or outputs (use the overload with lists).</exception>
    /// <remarks>Not thread-safe: one Fit at a time per model, and no Predict on the same model from other threads meanwhile (the weights change in place).</remarks>
    public History Fit(Tensor x, Tensor y, int batchSize = 32, int epochs = 1, (Tensor X, Tensor Y)? validationData = null,
        double validationSplit = 0, bool shuffle = true, IEnumerable<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0,
        Tensor? sampleWeight = null, IReadOnlyDictionary<int, double>? classWeight = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return new Trainer(this, Compiled(nameof(Fit))).Fit([x], [y], sampleWeight, classWeight, batchSize, epochs,
            validationData is { } v ? ([v.X], [v.Y], null) : null, validationSplit, shuffle, callbacks, verbose, initialEpoch);
    }

    /// <summary>
    /// Trains a model with several inputs and/or outputs on arrays (Keras's <c>model.fit([xa, xb], [ya, yb])</c>):
    /// one tensor per input in the order of <see cref="InputNames"/>, one per output in the order of
    /// <see cref="OutputNames"/>. Otherwise as <see cref="Fit(Tensor, Tensor, int, int, ValueTuple{Tensor, Tensor}?, double, bool, IEnumerable{Callback}?, int, int, Tensor?, IReadOnlyDictionary{int, double}?)"/>;
    /// one sample weight per sample applies to every output's loss.
    /// </summary>
    /// <exception cref="ArgumentException">The numbers of tensors differ from the model's inputs and outputs, or their sample counts differ.</exception>
    public History Fit(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int batchSize = 32, int epochs = 1,
        (IReadOnlyList<Tensor> X, IReadOnlyList<Tensor> Y)? validationData = null, double validationSplit = 0, bool shuffle = true,
        IEnumerable<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0, Tensor? sampleWeight = null,
        IReadOnlyDictionary<int, double>? classWeight = null)
    {
        var state = Compiled(nameof(Fit));
        return new Trainer(this, state).Fit(InputList(x, nameof(Fit)), Targets(y, nameof(Fit)), sampleWeight, classWeight, batchSize, epochs,
            validationData is { } v ? (InputList(v.X, nameof(Fit)), Targets(v.Y, nameof(Fit)), null) : null, validationSplit, shuffle, callbacks, verbose, initialEpoch);
    }

    /// <summary>
    /// As <see cref="Fit(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, int, int, ValueTuple{IReadOnlyList{Tensor}, IReadOnlyList{Tensor}}?, double, bool, IEnumerable{Callback}?, int, int, Tensor?, IReadOnlyDictionary{int, double}?)"/>
    /// with inputs and targets keyed by input and output name (Keras's <c>model.fit({"a": xa}, {"out": y})</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The names differ from <see cref="InputNames"/> or <see cref="OutputNames"/>.</exception>
    public History Fit(IReadOnlyDictionary<string, Tensor> x, IReadOnlyDictionary<string, Tensor> y, int batchSize = 32, int epochs = 1,
        double validationSplit = 0, bool shuffle = true, IEnumerable<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0,
        Tensor? sampleWeight = null) =>
        Fit(ByName(x, nameof(Fit)), TargetsByName(y, nameof(Fit)), batchSize, epochs, null, validationSplit, shuffle, callbacks, verbose, initialEpoch, sampleWeight);

    /// <summary>
    /// Trains on a batched dataset of <c>(x, y)</c> elements (Keras's <c>model.fit(dataset, epochs, validation_data=dataset)</c>),
    /// reading it once per epoch: decoding and augmentation in the dataset's stages, read ahead with
    /// <see cref="Dataset{T}.Prefetch"/>, overlap the training steps. The dataset orders itself
    /// (<see cref="Dataset{T}.Shuffle"/>); the batch size is the dataset's.
    /// </summary>
    /// <param name="dataset">Batches of inputs and targets, e.g. <c>Dataset.FromTensorSlices(x, y).Shuffle(1024).Batch(32)</c> or <c>ImageDataset.FromDirectory(...)</c>.</param>
    /// <param name="epochs">Passes over the dataset.</param>
    /// <param name="validationData">A dataset evaluated at each epoch's end.</param>
    /// <param name="callbacks">Hooks such as <see cref="EarlyStopping"/>.</param>
    /// <param name="verbose">0 silent, 1 progress bar (with the time left and samples per second), 2 one line per epoch.</param>
    /// <param name="initialEpoch">Epoch to start from (resuming).</param>
    /// <param name="classWeight">A weight per class index, as for arrays.</param>
    /// <exception cref="InvalidOperationException">The model was not compiled.</exception>
    /// <exception cref="ArgumentException">The dataset is empty or endless, its batches do not fit the model, or the model has several inputs or outputs.</exception>
    public History Fit(Dataset<(Tensor X, Tensor Y)> dataset, int epochs = 1, Dataset<(Tensor X, Tensor Y)>? validationData = null,
        IEnumerable<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0, IReadOnlyDictionary<int, double>? classWeight = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var state = Compiled(nameof(Fit));
        return FitDataset(state, Data(dataset, e => new DataBatch([e.X], [e.Y], null), classWeight, "Model.Fit"),
            validationData is null ? null : Data(validationData, e => new DataBatch([e.X], [e.Y], null), null, "Model.Fit"),
            epochs, callbacks, verbose, initialEpoch);
    }

    /// <summary>
    /// Trains on a batched dataset of <c>(x, y, sampleWeight)</c> elements (Keras's datasets of
    /// <c>(x, y, sample_weight)</c>): each sample's loss is weighted. Otherwise as
    /// <see cref="Fit(Dataset{ValueTuple{Tensor, Tensor}}, int, Dataset{ValueTuple{Tensor, Tensor}}?, IEnumerable{Callback}?, int, int, IReadOnlyDictionary{int, double}?)"/>.
    /// </summary>
    public History Fit(Dataset<(Tensor X, Tensor Y, Tensor SampleWeight)> dataset, int epochs = 1,
        Dataset<(Tensor X, Tensor Y, Tensor SampleWeight)>? validationData = null, IEnumerable<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var state = Compiled(nameof(Fit));
        return FitDataset(state, Data(dataset, e => new DataBatch([e.X], [e.Y], e.SampleWeight), null, "Model.Fit"),
            validationData is null ? null : Data(validationData, e => new DataBatch([e.X], [e.Y], e.SampleWeight), null, "Model.Fit"),
            epochs, callbacks, verbose, initialEpoch);
    }

    /// <summary>
    /// Trains a model with several inputs and/or outputs on a batched dataset of <c>(inputs, targets)</c>
    /// (one tensor per input and per output, in the order of <see cref="InputNames"/> and <see cref="OutputNames"/>).
    /// </summary>
    public History Fit(Dataset<(Tensor[] X, Tensor[] Y)> dataset, int epochs = 1, Dataset<(Tensor[] X, Tensor[] Y)>? validationData = null,
        IEnumerable<Callback>? callbacks = null, int verbose = 1, int initialEpoch = 0)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var state = Compiled(nameof(Fit));
        return FitDataset(state, Data(dataset, e => new DataBatch(e.X, e.Y, null), null, "Model.Fit"),
            validationData is null ? null : Data(validationData, e => new DataBatch(e.X, e.Y, null), null, "Model.Fit"),
            epochs, callbacks, verbose, initialEpoch);
    }

    private History FitDataset(CompileState state, FitData train, FitData? validation, int epochs, IEnumerable<Callback>? callbacks, int verbose, int initialEpoch) =>
        new Trainer(this, state).Fit(train, validation, epochs, shuffle: false, callbacks, verbose, initialEpoch, "Model.Fit");

    private FitData Data<T>(Dataset<T> dataset, Func<T, DataBatch> toBatch, IReadOnlyDictionary<int, double>? classWeight, string subject)
    {
        if (classWeight is null) return new DatasetFitData<T>(dataset, toBatch, subject);
        return new DatasetFitData<T>(dataset, e =>
        {
            var b = toBatch(e);
            if (b.SampleWeight is not null)
                throw new ArgumentException($"{subject}: expected class_weight or sample weights in the dataset, got both. Multiply the class weights into the sample weights.");
            return b with { SampleWeight = ClassWeights.ToSampleWeights(classWeight, b.Y, this, subject) };
        }, subject);
    }

    /// <summary>Loss and metrics over (x, y) in inference mode (Keras's <c>model.evaluate</c>): keys <c>"loss"</c> and the metric names.</summary>
    /// <param name="x">Inputs, samples along the first axis.</param>
    /// <param name="y">Targets.</param>
    /// <param name="batchSize">Samples per forward pass (default 32).</param>
    /// <param name="sampleWeight">A weight per sample for the loss, as in Fit.</param>
    /// <param name="callbacks">Callbacks whose test hooks (<c>OnTestBegin</c>, <c>OnTestBatchEnd</c>, …) see the evaluation.</param>
    /// <param name="verbose">0 silent, 1 a progress bar (Keras's default), 2 one line, written to <see cref="GraftContext.ProgressWriter"/> (nowhere unless set).</param>
    /// <exception cref="ArgumentException">The model has several inputs or outputs (use the overload with lists), or the data do not fit it.</exception>
    /// <remarks>Not thread-safe: the compiled metrics accumulate state, so run one Evaluate at a time per model (use Predict from several threads).</remarks>
    public IReadOnlyDictionary<string, double> Evaluate(Tensor x, Tensor y, int batchSize = 32, Tensor? sampleWeight = null,
        IEnumerable<Callback>? callbacks = null, int verbose = 1)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return new Trainer(this, Compiled(nameof(Evaluate))).Evaluate([x], [y], sampleWeight, batchSize, callbacks, verbose);
    }

    /// <summary>
    /// Loss and metrics of a model with several inputs and/or outputs: the total <c>"loss"</c>, each
    /// output's <c>&lt;output&gt;_loss</c> and its metrics <c>&lt;output&gt;_&lt;metric&gt;</c>.
    /// </summary>
    /// <param name="x">One tensor per input.</param>
    /// <param name="y">One tensor per output.</param>
    /// <param name="batchSize">Samples per forward pass (default 32).</param>
    /// <param name="sampleWeight">A weight per sample for the loss.</param>
    /// <param name="callbacks">Callbacks whose test hooks see the evaluation.</param>
    /// <param name="verbose">0 silent, 1 a progress bar (Keras's default), 2 one line.</param>
    public IReadOnlyDictionary<string, double> Evaluate(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int batchSize = 32, Tensor? sampleWeight = null,
        IEnumerable<Callback>? callbacks = null, int verbose = 1) =>
        new Trainer(this, Compiled(nameof(Evaluate))).Evaluate(InputList(x, nameof(Evaluate)), Targets(y, nameof(Evaluate)), sampleWeight, batchSize, callbacks, verbose);

    /// <summary>Loss and metrics over one pass of a batched dataset of <c>(x, y)</c> (Keras's <c>model.evaluate(dataset)</c>).</summary>
    /// <exception cref="ArgumentException">The dataset is empty or endless, or its batches do not fit the model.</exception>
    /// <param name="dataset">Batches of the data.</param>
    /// <param name="callbacks">Callbacks whose test hooks see the evaluation.</param>
    /// <param name="verbose">0 silent, 1 a progress bar (Keras's default), 2 one line.</param>
    public IReadOnlyDictionary<string, double> Evaluate(Dataset<(Tensor X, Tensor Y)> dataset, IEnumerable<Callback>? callbacks = null, int verbose = 1)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new Trainer(this, Compiled(nameof(Evaluate))).Evaluate(Data(dataset, e => new DataBatch([e.X], [e.Y], null), null, "Model.Evaluate"), "Model.Evaluate", prepare: true, callbacks, verbose);
    }

    /// <summary>Loss (weighted) and metrics over one pass of a batched dataset of <c>(x, y, sampleWeight)</c>.</summary>
    /// <param name="dataset">Batches of the data.</param>
    /// <param name="callbacks">Callbacks whose test hooks see the evaluation.</param>
    /// <param name="verbose">0 silent, 1 a progress bar (Keras's default), 2 one line.</param>
    public IReadOnlyDictionary<string, double> Evaluate(Dataset<(Tensor X, Tensor Y, Tensor SampleWeight)> dataset, IEnumerable<Callback>? callbacks = null, int verbose = 1)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new Trainer(this, Compiled(nameof(Evaluate))).Evaluate(Data(dataset, e => new DataBatch([e.X], [e.Y], e.SampleWeight), null, "Model.Evaluate"), "Model.Evaluate", prepare: true, callbacks, verbose);
    }

    /// <summary>Loss and metrics of a model with several inputs and/or outputs over one pass of a batched dataset.</summary>
    /// <param name="dataset">Batches of the data.</param>
    /// <param name="callbacks">Callbacks whose test hooks see the evaluation.</param>
    /// <param name="verbose">0 silent, 1 a progress bar (Keras's default), 2 one line.</param>
    public IReadOnlyDictionary<string, double> Evaluate(Dataset<(Tensor[] X, Tensor[] Y)> dataset, IEnumerable<Callback>? callbacks = null, int verbose = 1)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return new Trainer(this, Compiled(nameof(Evaluate))).Evaluate(Data(dataset, e => new DataBatch(e.X, e.Y, null), null, "Model.Evaluate"), "Model.Evaluate", prepare: true, callbacks, verbose);
    }

    private Tensor[] InputList(IReadOnlyList<Tensor> x, string method)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Count != InputCount)
            throw new ArgumentException($"{Describe()}.{method}: expected {InputCount} input tensor(s) ({string.Join(", ", InputNames)}), got {x.Count}.");
        return [.. x];
    }

    private Tensor[] Targets(IReadOnlyList<Tensor> y, string method)
    {
        ArgumentNullException.ThrowIfNull(y);
        if (y.Count != OutputCount)
            throw new ArgumentException($"{Describe()}.{method}: expected {OutputCount} target tensor(s), one per output ({string.Join(", ", OutputNames)}), got {y.Count}.");
        return [.. y];
    }

    private Tensor[] TargetsByName(IReadOnlyDictionary<string, Tensor> y, string method)
    {
        ArgumentNullException.ThrowIfNull(y);
        var names = OutputNames;
        if (y.Count != names.Count || names.Any(n => !y.ContainsKey(n)))
            throw new ArgumentException($"{Describe()}.{method}: expected targets named ({string.Join(", ", names)}), got ({string.Join(", ", y.Keys)}).");
        return names.Select(n => y[n]).ToArray();
    }
}
