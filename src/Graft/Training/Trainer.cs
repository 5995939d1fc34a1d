using Graft.Autograd;
using Graft.Layers;
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
internal sealed class Trainer(Model model, CompileState state)
{
    public History Fit(Tensor x, Tensor y, int batchSize, int epochs, (Tensor X, Tensor Y)? validationData, double validationSplit,
        bool shuffle, IEnumerable<Callback>? callbacks, int verbose, int initialEpoch)
    {
        const string subject = "Model.Fit";
        CheckData(x, y, subject, "x", "y");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(epochs);
        ArgumentOutOfRangeException.ThrowIfNegative(initialEpoch);
        if (!(validationSplit >= 0 && validationSplit < 1))
            throw new ArgumentOutOfRangeException(nameof(validationSplit), $"{subject}: expected validation_split in [0, 1), got {validationSplit}.");
        if (validationData is null && validationSplit > 0)
        {
            // Keras takes the last fraction, before any shuffling.
            int n = x.Shape[0], split = n - (int)(n * validationSplit);
            if (split == 0 || split == n)
                throw new ArgumentException($"{subject}: expected validation_split {validationSplit} to leave samples on both sides of {n}, got {split} for training.");
            validationData = (x[split..], y[split..]);
            (x, y) = (x[..split], y[..split]);
        }
        if (validationData is { } vd) CheckData(vd.X, vd.Y, subject, "validation x", "validation y");

        Prepare(x, y, subject);
        if (validationData is { } v) state.Loss.Validate(v.Y, OutputShapeFor(v.X));
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
        if (verbose > 0 && progress is not null) all.Insert(0, new ProgressLogger(verbose, progress));
        int samples = x.Shape[0], steps = (samples + batchSize - 1) / batchSize;
        foreach (var c in all) { c.Model = model; c.Params = (epochs, steps); c.ProgressWriter = progress; }

        var lossTracker = new MeanMetric("loss");
        var empty = new Dictionary<string, double>();
        model.StopTraining = false;
        foreach (var c in all) c.OnTrainBegin(empty);
        // A callback that restored an interrupted run (BackupAndRestore) moves the start, as Keras's
        // model._initial_epoch does.
        foreach (var c in all)
            if (c.InitialEpoch is int resumed && resumed > initialEpoch) initialEpoch = resumed;

        // Frozen layers at the bottom of a Sequential that behave the same in training and inference
        // produce the same outputs every epoch: compute them once and train the rest on those. This
        // runs after OnTrainBegin, which may have restored the weights.
        var forward = FrozenPrefix.Plan(model, state, x, validationData, out var cache);
        if (cache is { } c0) { x = c0.X; validationData = c0.Validation; }
        var logs = new Dictionary<string, double>();
        for (int epoch = initialEpoch; epoch < epochs && !model.StopTraining; epoch++)
        {
            lossTracker.ResetState();
            foreach (var m in state.Metrics) m.ResetState();
            foreach (var c in all) c.OnEpochBegin(epoch, empty);
            var order = shuffle ? GraftContext.Current.Generator.Permutation(samples) : Enumerable.Range(0, samples).ToArray();
            for (int step = 0; step < steps && !model.StopTraining; step++)
            {
                foreach (var c in all) c.OnTrainBatchBegin(step, empty);
                int start = step * batchSize, count = Math.Min(batchSize, samples - start);
                TrainStep(forward, x, y, order.AsSpan(start, count).ToArray(), trained, lossTracker);
                logs = Logs(lossTracker);
                foreach (var c in all) c.OnTrainBatchEnd(step, logs);
            }
            if (validationData is { } val)
                foreach (var (k, value) in Evaluate(val.X, val.Y, batchSize, validating: true, forward)) logs["val_" + k] = value;
            foreach (var c in all) c.OnEpochEnd(epoch, logs);
        }
        foreach (var c in all) c.OnTrainEnd(logs);
        return history;
    }

    private void TrainStep(Func<Tensor, bool, Tensor> forward, Tensor x, Tensor y, int[] indices, IReadOnlyList<Variable> trained, MeanMetric lossTracker)
    {
        using var scope = TensorScope.Begin();
        var xb = Ops.Gather(x, indices);
        var yb = Ops.Gather(y, indices);
        var pred = forward(xb, true);
        var loss = TotalLoss(yb, pred);
        float value = loss.Item();
        if (loss.RequiresGrad)
        {
            loss.Backward();
            state.Optimizer.Apply(trained);
            foreach (var v in trained) v.Value.ZeroGrad();
        }
        lossTracker.Update(value, indices.Length);
        using (GradMode.NoGrad())
            foreach (var m in state.Metrics) m.UpdateState(yb, pred);
    }

    /// <summary>The compiled loss plus every regularization penalty (Keras adds <c>model.losses</c>).</summary>
    private Tensor TotalLoss(Tensor yTrue, Tensor yPred)
    {
        if (yPred.Mask is not null)
            throw new NotSupportedException($"{model.Name}: expected an output without a sequence mask, got a masked output (a return_sequences layer fed by a mask); masked losses are not supported by Graft yet. Pool or take the last state before the output.");
        var loss = state.Loss.Call(yTrue, yPred);
        foreach (var penalty in model.RegularizationLosses()) loss = Ops.Add(loss, penalty);
        return loss;
    }

    private Dictionary<string, double> Logs(MeanMetric loss)
    {
        var logs = new Dictionary<string, double> { ["loss"] = loss.Result() };
        foreach (var m in state.Metrics) logs[m.Name] = m.Result();
        return logs;
    }

    public Dictionary<string, double> Evaluate(Tensor x, Tensor y, int batchSize, bool validating = false, Func<Tensor, bool, Tensor>? forward = null)
    {
        forward ??= model.Call;
        const string subject = "Model.Evaluate";
        if (!validating)
        {
            CheckData(x, y, subject, "x", "y");
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
            Prepare(x, y, subject);
        }
        var lossTracker = new MeanMetric("loss");
        var metrics = state.Metrics.Select(m => m.CloneEmpty()).ToList();
        int n = x.Shape[0];
        using (GradMode.NoGrad())
            for (int start = 0; start < n; start += batchSize)
            {
                using var scope = TensorScope.Begin();
                int count = Math.Min(batchSize, n - start);
                var xb = x[start..(start + count)];
                var yb = y[start..(start + count)];
                var pred = forward(xb, false);
                lossTracker.Update(TotalLoss(yb, pred).Item(), count);
                foreach (var m in metrics) m.UpdateState(yb, pred);
            }
        var logs = new Dictionary<string, double> { ["loss"] = lossTracker.Result() };
        foreach (var m in metrics) logs[m.Name] = m.Result();
        return logs;
    }

    /// <summary>The single output for x (see <see cref="Predictor"/>).</summary>
    public static Tensor Predict(Model model, Tensor x, int batchSize) => Predictor.Run(model, [x], batchSize, "Model.Predict")[0];

    /// <summary>Builds the model for x if needed and checks the targets against the model's output.</summary>
    private void Prepare(Tensor x, Tensor y, string subject)
    {
        // Keras gives each output its own loss and targets; Graft's loop has one of each, and training
        // the first output alone would drop the others without a word.
        if (model.OutputCount > 1)
            throw new NotSupportedException($"{subject}: expected a model with one output, got {model.OutputCount} ({string.Join(", ", model.OutputNames)}); "
                + "training and evaluating several outputs (Keras's per-output losses) is not supported by Graft yet. PredictOutputs runs such a model.");
        model.EnsureBuilt(Layer.BatchShape(x.Shape));
        state.Loss.Validate(y, OutputShapeFor(x));
    }

    /// <summary>The output shape for all of x, found by running one sample.</summary>
    private Shape OutputShapeFor(Tensor x)
    {
        using var noGrad = GradMode.NoGrad();
        using var scope = TensorScope.Begin();
        var one = model.Call(x[..1], training: false);
        return new Shape([x.Shape[0], .. one.Shape.Dims[1..]]);
    }

    private static void CheckData(Tensor x, Tensor y, string subject, string xName, string yName)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Rank == 0 || x.Shape[0] == 0)
            throw new ArgumentException($"{subject}: expected at least one sample in {xName}, got shape {x.Shape}.");
        if (y.Rank == 0 || y.Shape[0] != x.Shape[0])
            throw new ArgumentException($"{subject}: expected {xName} and {yName} with the same number of samples, got {x.Shape[0]} ({xName} shape {x.Shape}) and {(y.Rank == 0 ? 0 : y.Shape[0])} ({yName} shape {y.Shape}).");
        CheckFinite(x, subject, xName);
        CheckFinite(y, subject, yName);
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
