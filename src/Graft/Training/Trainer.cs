using Graft.Autograd;
using Graft.Layers;
using Graft.Losses;
using Graft.Metrics;
using Graft.Models;
using Graft.Tensors;
using Graft.Training.Callbacks;
using Microsoft.Extensions.Logging;

namespace Graft.Training;

/// <summary>
/// The loops behind <c>Fit</c>, <c>Evaluate</c> and <c>Predict</c>. Each step runs inside a
/// <see cref="TensorScope"/>, so activations and gradients reuse pooled buffers; frozen weights and
/// the data need no gradient, so no backward work is done below the lowest trainable layer.
/// </summary>
internal sealed partial class Trainer(Model model, CompileState state)
{
    /// <summary>Fit on arrays: checks them, holds out a validation split, turns class weights into sample weights.</summary>
    public History Fit(Tensor[] x, Tensor[] y, Tensor? sampleWeight, IReadOnlyDictionary<int, double>? classWeight, int batchSize, int epochs,
        (Tensor[] X, Tensor[] Y, Tensor? SampleWeight)? validationData, double validationSplit,
        bool shuffle, IEnumerable<Callback>? callbacks, int verbose, int initialEpoch)
    {
        const string subject = "Model.Fit";
        CheckData(x, y, sampleWeight, subject, "");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (!(validationSplit >= 0 && validationSplit < 1))
            throw new ArgumentOutOfRangeException(nameof(validationSplit), $"{subject}: expected validation_split in [0, 1), got {validationSplit}.");
        if (validationData is null && validationSplit > 0)
        {
            // Keras takes the last fraction, before any shuffling.
            int n = x[0].Shape[0], split = n - (int)(n * validationSplit);
            if (split == 0 || split == n)
                throw new ArgumentException($"{subject}: expected validation_split {validationSplit} to leave samples on both sides of {n}, got {split} for training.");
            validationData = ([.. x.Select(t => t[split..])], [.. y.Select(t => t[split..])], sampleWeight?[split..]);
            (x, y, sampleWeight) = ([.. x.Select(t => t[..split])], [.. y.Select(t => t[..split])], sampleWeight?[..split]);
        }
        if (validationData is { } vd) CheckData(vd.X, vd.Y, vd.SampleWeight, subject, "validation ");
        if (classWeight is not null)
        {
            if (sampleWeight is not null)
                throw new ArgumentException($"{subject}: expected class_weight or sample_weight, got both. Multiply the class weights into the sample weights.");
            sampleWeight = ClassWeights.ToSampleWeights(classWeight, y, model, subject);
        }
        var train = new ArrayFitData(x, y, sampleWeight, batchSize);
        var validation = validationData is { } v ? new ArrayFitData(v.X, v.Y, v.SampleWeight, batchSize) : null;
        return Fit(train, validation, epochs, shuffle, callbacks, verbose, initialEpoch, subject);
    }

    /// <summary>The training loop over any batches: arrays or a dataset.</summary>
    private History RunFit(FitData train, FitData? validation, int epochs, bool shuffle, IEnumerable<Callback>? callbacks, int verbose, int initialEpoch, string subject)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        ArgumentOutOfRangeException.ThrowIfNegative(initialEpoch);
        var first = train.Peek();
        Prepare(first, subject);
        if (validation is not null) CheckTargets(validation.Peek(), subject);
        WarnIfTrainableChanged();
        var trained = ApplyTrainableFlags();
        // Keras builds the optimizer on the trainable weights before the first step, so its state
        // has a fixed order that files address (and a loaded state is already in place).
        state.Optimizer.Build(trained);

        var history = new History();
        var all = new List<Callback>(callbacks ?? []) { history };
        // Progress goes only where the application asked for it (GraftContext.ProgressWriter), never
        // to the console by default: a library embedded in a server must not print.
        var progress = GraftContext.Current.ProgressWriter;
        var parallel = DataParallelRun.ForFit(model, state, trained);
        if (parallel is { IsRoot: false }) progress = null;
        parallel?.KeepRootOnly(all);
        long samplesSeen = 0;
        if (Progbar(all, verbose, progress) is { } progbar) progbar.SamplesSeen = () => Interlocked.Read(ref samplesSeen);
        int? steps = train.Steps;
        foreach (var c in all) { c.Model = model; c.Params = (epochs, steps ?? 0); c.ProgressWriter = progress; }

        var trackers = LossTrackers();
        var empty = new Dictionary<string, double>();
        model.StopTraining = false;
        foreach (var c in all) c.OnTrainBegin(empty);
        // A callback that restored an interrupted run (BackupAndRestore) moves the start, as Keras's
        // model._initial_epoch does.
        foreach (var c in all)
            if (c.InitialEpoch is int resumed && resumed > initialEpoch) initialEpoch = resumed;
        if (parallel is not null) initialEpoch = parallel.BroadcastState(model, state, trained, initialEpoch);

        // Frozen layers at the bottom of a Sequential that behave the same in training and inference
        // produce the same outputs every epoch: compute them once and train the rest on those. This
        // runs after OnTrainBegin, which may have restored the weights.
        if (FrozenPrefix.Find(model, state, first.X[0]) is { } prefix)
        {
            long budget = FrozenPrefix.MaxCachedFloats;
            train = Replace(train, train.WithFeatures(prefix, ref budget));
            if (validation is not null) validation = Replace(validation, validation.WithFeatures(prefix, ref budget));
        }
        var forward = train.Forward ?? model.Call;
        var logs = new Dictionary<string, double>();
        for (int epoch = initialEpoch; epoch < epochs && !model.StopTraining; epoch++)
        {
            foreach (var t in trackers) t.ResetState();
            foreach (var m in state.Metrics) m.ResetState();
            foreach (var c in all) c.OnEpochBegin(epoch, empty);
            Interlocked.Exchange(ref samplesSeen, 0);
            int step = 0;
            foreach (var next in train.Pass(shuffle))
            {
                foreach (var c in all) c.OnTrainBatchBegin(step, empty);
                int count = parallel is null ? TrainStep(forward, next, trained, trackers, subject)
                    : TrainStepParallel(parallel, forward, next, trained, trackers, subject);
                Interlocked.Add(ref samplesSeen, count);
                logs = Logs(trackers, state.OutputMetrics, state.WeightedOutputMetrics);
                foreach (var c in all) c.OnTrainBatchEnd(step, logs);
                step++;
                if (model.StopTraining) break;
            }
            // A dataset of unknown length tells its steps by the end of the first pass (Keras's progress bar does the same).
            if (steps is null && !model.StopTraining)
            {
                steps = step;
                foreach (var c in all) c.Params = (epochs, step);
            }
            // Keras's fit evaluates with its own callbacks, so their test hooks see the validation.
            if (validation is not null)
                foreach (var (k, value) in Evaluate(validation, subject, all)) logs["val_" + k] = value;
            foreach (var c in all) c.OnEpochEnd(epoch, logs);
        }
        // Keras's fit ends by handing the weights their final values (the moving averages with use_ema).
        // Unlike Keras, not before any step: the averages would still be their zero initial values.
        if (epochs > 0 && state.Optimizer.AppliedSteps > 0) state.Optimizer.FinalizeVariableValues(trained);
        foreach (var c in all) c.OnTrainEnd(logs);
        return history;
    }

    /// <summary>The data replaced by its frozen features, when it could be: the pass its Peek opened ends now.</summary>
    private static FitData Replace(FitData data, FitData? features)
    {
        if (features is null) return data;
        data.Dispose();
        return features;
    }

    private int TrainStep(Func<IReadOnlyList<Tensor>, bool, IReadOnlyList<Tensor>> forward, Func<DataBatch> next,
        IReadOnlyList<Variable> trained, MeanMetric[] trackers, string subject)
    {
        using var scope = TensorScope.Begin();
        var batch = next();
        CheckBatch(batch, subject);
        var pred = forward(batch.X, true);
        var (loss, perOutput) = TotalLoss(batch, pred);
        float value = loss.Item();
        if (loss.RequiresGrad)
        {
            // The backward pass may apply weight updates itself, each while its gradient is in cache.
            var step = state.Optimizer.BeginStep(trained);
            using (step?.Offer()) loss.Backward();
            state.Optimizer.ApplyStep(trained, step);
            foreach (var v in trained) v.Value.ZeroGrad();
        }
        Track(trackers, value, perOutput, batch.Count);
        UpdateMetrics(state.OutputMetrics, state.WeightedOutputMetrics, batch, pred);
        return batch.Count;
    }

    /// <summary>
    /// The compiled losses, each weighted by its loss weight, plus every regularization penalty (Keras adds
    /// <c>model.losses</c>); and each output's own unweighted loss when there are several.
    /// </summary>
    private (Tensor Total, Tensor[] PerOutput) TotalLoss(DataBatch batch, IReadOnlyList<Tensor> pred)
    {
        Tensor? total = null;
        var perOutput = new Tensor[pred.Count > 1 ? pred.Count : 0];
        for (int o = 0; o < pred.Count; o++)
        {
            var loss = pred[o].Mask is { } mask
                ? MaskedLoss(state.Losses[o], batch.Y[o], pred[o], mask, batch.SampleWeight, $"{model.Name}: output {o}")
                : WeightedLoss(state.Losses[o], batch.Y[o], pred[o], batch.SampleWeight);
            if (perOutput.Length > 0) perOutput[o] = loss;
            double w = state.LossWeights[o];
            var term = w == 1 ? loss : Ops.Multiply(loss, (float)w);
            total = total is null ? term : Ops.Add(total, term);
        }
        if (model.HasRegularizationLosses())
            foreach (var penalty in model.RegularizationLosses()) total = Ops.Add(total!, penalty);
        return (total!, perOutput);
    }

    /// <summary>
    /// Keras's "sum_over_batch_size" reduction: the per-sample losses times their weights, summed, over
    /// the number of loss values (not over the sum of the weights: Keras's losses/loss.py reduce_values).
    /// </summary>
    internal static Tensor WeightedLoss(Loss loss, Tensor yTrue, Tensor yPred, Tensor? sampleWeight)
    {
        if (sampleWeight is null) return loss.Objective(yTrue, yPred);
        var values = loss.PerSample(yTrue, yPred);
        var w = sampleWeight;
        if (w.Shape != values.Shape)
        {
            // Keras's squeeze_or_expand_to_same_rank: a weight per sample spreads over the sample's values.
            var dims = new int[values.Rank];
            Array.Fill(dims, 1);
            dims[0] = values.Shape[0];
            w = Ops.Reshape(w, dims);
        }
        return Ops.Mean(Ops.Multiply(values, w));
    }

    /// <summary>
    /// The loss of an output with a sequence mask (a return_sequences layer fed by a mask), as Keras's
    /// <c>apply_mask</c> (keras/src/losses/loss.py): each step's loss weighed by its mask times
    /// total / valid steps, so the "sum_over_batch_size" mean is the mean over the unmasked steps
    /// (zero when every step is masked); sample weights multiply in.
    /// </summary>
    /// <exception cref="NotSupportedException">The loss gives values of another shape than the mask (one value per step).</exception>
    internal static Tensor MaskedLoss(Loss loss, Tensor yTrue, Tensor yPred, Tensor mask, Tensor? sampleWeight, string subject)
    {
        var values = loss.PerSample(yTrue, yPred);
        if (values.Shape != mask.Shape)
            throw new NotSupportedException($"{subject}: expected the loss to give one value per masked step, shape {mask.Shape}, got {values.Shape}; a masked output needs a loss over its last axis.");
        float valid = mask.ToArray().Sum();
        var w = Ops.Multiply(mask, valid > 0 ? mask.Size / valid : 0f);
        if (sampleWeight is not null)
            w = Ops.Multiply(w, sampleWeight.Shape == mask.Shape ? sampleWeight : Ops.Reshape(sampleWeight, sampleWeight.Shape[0], 1));
        return Ops.Mean(Ops.Multiply(values, w));
    }

    private MeanMetric[] LossTrackers() =>
        [new MeanMetric("loss"), .. state.OutputNames.Length > 1 ? state.OutputNames.Select(n => new MeanMetric($"{n}_loss")) : []];

    private static void Track(MeanMetric[] trackers, float total, Tensor[] perOutput, int count)
    {
        trackers[0].Update(total, count);
        for (int o = 0; o < perOutput.Length; o++) trackers[o + 1].Update(perOutput[o].Item(), count);
    }

    /// <summary>
    /// Each output's metrics on its targets and predictions: the plain ones unweighted, the weighted ones
    /// with the batch's sample weights (class weights already turned into them), the same weights for
    /// every output, as Keras's <c>CompileMetrics.update_state</c>.
    /// </summary>
    private static void UpdateMetrics(List<Metric>[] plain, List<Metric>[] weighted, DataBatch batch, IReadOnlyList<Tensor> pred)
    {
        using var noGrad = GradMode.NoGrad();
        for (int o = 0; o < pred.Count; o++)
        {
            foreach (var m in plain[o]) m.UpdateState(batch.Y[o], pred[o], null);
            foreach (var m in weighted[o]) m.UpdateState(batch.Y[o], pred[o], batch.SampleWeight);
        }
    }

    private Dictionary<string, double> Logs(MeanMetric[] trackers, List<Metric>[] plain, List<Metric>[] weighted)
    {
        var logs = new Dictionary<string, double>();
        foreach (var t in trackers) logs[t.Name] = t.Result();
        foreach (var (key, m) in LogKeys(plain, weighted, state.OutputNames)) logs[key] = m.Result();
        return logs;
    }

    /// <summary>
    /// The log key of every metric as Keras's <c>CompileMetrics.result</c> names them: a metric under its
    /// (output-prefixed) name; a weighted metric whose name an unweighted one already has under
    /// <c>weighted_&lt;name&gt;</c> (<c>&lt;output&gt;_weighted_&lt;name&gt;</c>), then <c>_1</c>, <c>_2</c>, … while taken.
    /// </summary>
    internal static IEnumerable<(string Key, Metric Metric)> LogKeys(List<Metric>[] plain, List<Metric>[] weighted, string[] outputNames)
    {
        var counters = new Dictionary<string, int>();
        foreach (var m in plain.SelectMany(list => list))
        {
            string key = m.Name;
            if (counters.TryGetValue(key, out int index)) { counters[key] = index + 1; key = $"{key}_{index}"; }
            else counters[key] = 1;
            yield return (key, m);
        }
        for (int o = 0; o < weighted.Length; o++)
        {
            string prefix = outputNames.Length > 1 ? outputNames[o] + "_" : "";
            foreach (var m in weighted[o])
            {
                string key = m.Name;
                if (!counters.ContainsKey(key)) counters[key] = 1;
                else
                {
                    key = prefix + "weighted_" + m.Name[prefix.Length..];
                    if (counters.TryGetValue(key, out int index)) { counters[key] = index + 1; key = $"{key}_{index}"; }
                    else counters[key] = 1;
                }
                yield return (key, m);
            }
        }
    }

    /// <summary>Evaluate on arrays (Keras's <c>model.evaluate(x, y, sample_weight=…)</c>).</summary>
    public Dictionary<string, double> Evaluate(Tensor[] x, Tensor[] y, Tensor? sampleWeight, int batchSize, IEnumerable<Callback>? callbacks = null, int verbose = 0)
    {
        const string subject = "Model.Evaluate";
        CheckData(x, y, sampleWeight, subject, "");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var data = new ArrayFitData(x, y, sampleWeight, batchSize);
        Prepare(data.Peek(), subject);
        return Evaluate(data, subject, Callbacks(model, callbacks, verbose, data.Steps));
    }

    /// <summary>Evaluate on a dataset: builds the model on the first batch, then reads one pass.</summary>
    public Dictionary<string, double> Evaluate(FitData data, string subject, bool prepare, IEnumerable<Callback>? callbacks = null, int verbose = 0)
    {
        try
        {
            if (prepare) Prepare(data.Peek(), subject);
            return Evaluate(data, subject, Callbacks(model, callbacks, verbose, data.Steps));
        }
        finally { data.Dispose(); }
    }

    /// <summary>
    /// The callbacks of a standalone <c>Evaluate</c> or <c>Predict</c>: the caller's, and a progress bar
    /// when <paramref name="verbose"/> asks for one (Keras's <c>CallbackList(add_progbar=verbose != 0)</c>),
    /// each told the model, one epoch of <paramref name="steps"/> steps, and where progress goes.
    /// </summary>
    internal static List<Callback> Callbacks(Model model, IEnumerable<Callback>? callbacks, int verbose, int? steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(verbose);
        var all = new List<Callback>(callbacks ?? []);
        // With a process group, progress shows on rank 0 only, as in Fit.
        var progress = DataParallelRun.ActiveGroup is { Rank: > 0 } ? null : GraftContext.Current.ProgressWriter;
        Progbar(all, verbose, progress);
        foreach (var c in all) { c.Model = model; c.Params = (1, steps ?? 0); c.ProgressWriter = progress; }
        return all;
    }

    /// <summary>
    /// The progress bar of a call: the <see cref="ProgbarLogger"/> among <paramref name="all"/>, else a new
    /// one put first when <paramref name="verbose"/> is not 0 and progress has somewhere to go; its
    /// verbosity is the call's, as Keras's <c>set_params</c> gives it.
    /// </summary>
    private static ProgbarLogger? Progbar(List<Callback> all, int verbose, TextWriter? progress)
    {
        var progbar = all.OfType<ProgbarLogger>().FirstOrDefault();
        if (progbar is null && verbose > 0 && progress is not null) all.Insert(0, progbar = new ProgbarLogger());
        if (progbar is not null) progbar.Verbose = verbose;
        return progbar;
    }

    /// <summary>
    /// Loss and metrics over one pass of <paramref name="data"/> in inference mode, with fresh metric states,
    /// calling the test hooks of <paramref name="callbacks"/> (Keras's <c>evaluate</c>).
    /// </summary>
    private Dictionary<string, double> Evaluate(FitData data, string subject, IReadOnlyList<Callback> callbacks)
    {
        var forward = data.Forward ?? model.Call;
        var trackers = LossTrackers();
        var metrics = state.OutputMetrics.Select(list => list.Select(m => m.CloneEmpty()).ToList()).ToArray();
        var weighted = state.WeightedOutputMetrics.Select(list => list.Select(m => m.CloneEmpty()).ToList()).ToArray();
        var parallel = DataParallelRun.ForEvaluate();
        var empty = new Dictionary<string, double>();
        foreach (var c in callbacks) c.OnTestBegin(empty);
        int batches = 0;
        using (GradMode.NoGrad())
            foreach (var next in data.Pass(shuffle: false))
            {
                foreach (var c in callbacks) c.OnTestBatchBegin(batches, empty);
                using (TensorScope.Begin())
                {
                    var batch = next();
                    CheckBatch(batch, subject);
                    if (parallel is not null) EvaluateBatchParallel(parallel, batch, forward, trackers, metrics, weighted);
                    else
                    {
                        var pred = forward(batch.X, false);
                        var (loss, perOutput) = TotalLoss(batch, pred);
                        Track(trackers, loss.Item(), perOutput, batch.Count);
                        UpdateMetrics(metrics, weighted, batch, pred);
                    }
                }
                if (callbacks.Count > 0)
                {
                    var running = Logs(trackers, metrics, weighted);
                    foreach (var c in callbacks) c.OnTestBatchEnd(batches, running);
                }
                batches++;
            }
        if (batches == 0) throw new ArgumentException($"{subject}: expected at least one batch to evaluate, got none.");
        var logs = Logs(trackers, metrics, weighted);
        foreach (var c in callbacks) c.OnTestEnd(logs);
        return logs;
    }

    /// <summary>The single output for x (see <see cref="Predictor"/>).</summary>
    public static Tensor Predict(Model model, Tensor x, int batchSize) => Predictor.Run(model, [x], batchSize, "Model.Predict")[0];

    /// <summary>Builds the model for the batch if needed and checks the targets against the model's outputs.</summary>
    private void Prepare(DataBatch batch, string subject)
    {
        if (batch.X.Length != model.InputCount)
            throw new ArgumentException($"{subject}: expected {model.InputCount} input tensor(s) ({string.Join(", ", model.InputNames)}), got {batch.X.Length}.");
        model.EnsureBuilt(Layer.BatchShape(batch.X[0].Shape));
        CheckTargets(batch, subject);
    }

    /// <summary>Checks that the targets fit the model's outputs and their losses.</summary>
    private void CheckTargets(DataBatch batch, string subject)
    {
        if (batch.Y.Length != model.OutputCount)
            throw new ArgumentException($"{subject}: expected {model.OutputCount} target tensor(s), one per output ({string.Join(", ", model.OutputNames)}), got {batch.Y.Length}.");
        if (state.Losses.Length != model.OutputCount)
            throw new InvalidOperationException($"{subject}: expected a loss per output ({model.OutputCount}), got {state.Losses.Length}: the model's outputs changed after Compile. Call Compile again.");
        var shapes = OutputShapesFor(batch);
        for (int o = 0; o < shapes.Length; o++) state.Losses[o].Validate(batch.Y[o], shapes[o]);
    }

    /// <summary>The output shapes for the whole batch, found by running one sample.</summary>
    private Shape[] OutputShapesFor(DataBatch batch)
    {
        using var noGrad = GradMode.NoGrad();
        using var scope = TensorScope.Begin();
        // A probe: stateful recurrent layers keep the states of the real batches.
        using var probe = Layers.Recurrent.StateProbe.Begin();
        var one = model.Call([.. batch.X.Select(t => t[..1])], training: false);
        return [.. one.Select(o => new Shape([batch.Count, .. o.Shape.Dims[1..]]))];
    }

    /// <summary>A dataset's batch: every tensor with the same number of samples, and a weight per sample.</summary>
    private static void CheckBatch(DataBatch batch, string subject)
    {
        int n = batch.Count;
        foreach (var t in batch.X.Concat(batch.Y))
            if (t.Rank == 0 || t.Shape[0] != n)
                throw new ArgumentException($"{subject}: expected every tensor of a batch with {n} samples, got shape {t.Shape}. Batch the dataset (Dataset.Batch) before Fit.");
        if (batch.SampleWeight is { } w && w.Size != n && (w.Rank == 0 || w.Shape[0] != n))
            throw new ArgumentException($"{subject}: expected one sample weight per sample ({n}), got shape {w.Shape}.");
    }

    private static void CheckData(Tensor[] x, Tensor[] y, Tensor? sampleWeight, string subject, string what)
    {
        var all = x.Select((t, i) => (t, Name: x.Length == 1 ? $"{what}x" : $"{what}x[{i}]"))
            .Concat(y.Select((t, i) => (t, Name: y.Length == 1 ? $"{what}y" : $"{what}y[{i}]"))).ToList();
        if (sampleWeight is not null) all.Add((sampleWeight, $"{what}sample_weight"));
        foreach (var (t, _) in all) ArgumentNullException.ThrowIfNull(t);
        var (first, firstName) = all[0];
        if (first.Rank == 0 || first.Shape[0] == 0)
            throw new ArgumentException($"{subject}: expected at least one sample in {firstName}, got shape {first.Shape}.");
        foreach (var (t, name) in all.Skip(1))
            if (t.Rank == 0 || t.Shape[0] != first.Shape[0])
                throw new ArgumentException($"{subject}: expected {firstName} and {name} with the same number of samples, got {first.Shape[0]} ({firstName} shape {first.Shape}) and {(t.Rank == 0 ? 0 : t.Shape[0])} ({name} shape {t.Shape}).");
        if (sampleWeight is not null && sampleWeight.Size != sampleWeight.Shape[0] && sampleWeight.Rank > 1 && sampleWeight.Shape[^1] != 1)
            throw new ArgumentException($"{subject}: expected {what}sample_weight of shape ({first.Shape[0]},), got {sampleWeight.Shape}.");
        foreach (var (t, name) in all) CheckFinite(t, subject, name);
    }

    private static void CheckFinite(Tensor t, string subject, string name)
    {
        // Read back in pieces (an explicit host transfer) rather than copying a whole data set at once.
        int per = t.Size / t.Shape[0];
        var chunk = new float[Math.Min(t.Size, 1 << 16)];
        for (int start = 0; start < t.Size; start += chunk.Length)
        {
            var d = chunk.AsSpan(0, Math.Min(chunk.Length, t.Size - start));
            t.CopyTo(start, d);
            for (int j = 0; j < d.Length; j++)
                if (!float.IsFinite(d[j]))
                {
                    int i = start + j;
                    throw new ArgumentException($"{subject}: expected finite values in {name}, got {d[j]} at sample {i / per} (element {i % per}).");
                }
        }
    }

    private void WarnIfTrainableChanged()
    {
        var changed = state.TrainableAtCompile.Where(p => p.Key.Trainable != p.Value).Select(p => p.Key.Name).ToList();
        if (changed.Count > 0)
            Logging.Training.LogWarning("Model.Fit: the Trainable flag of {Layers} changed after Compile; as in Keras, the change takes effect at the next Compile. Call Compile again to apply it.", string.Join(", ", changed));
    }

    /// <summary>Marks which weights need gradients for this model's compiled state; returns the trained ones.</summary>
    private List<Variable> ApplyTrainableFlags()
    {
        var trained = new List<Variable>();
        foreach (var v in model.Weights)
        {
            bool t = state.IsTrained(v);
            v.Value.RequiresGrad = t;
            if (t) trained.Add(v);
        }
        return trained;
    }
}
