using Graft.Datasets;
using Graft.Tensors;
using Graft.Training;
using Graft.Training.Callbacks;

namespace Graft.Models;

public partial class Model
{
    /// <summary>
    /// The names of the model's inputs, in order (Keras's <c>model.input_names</c>): the input
    /// layers' names. A Sequential without an <see cref="Layers.Core.InputLayer"/> has one input
    /// named after its first layer, <c>&lt;first layer&gt;_input</c>, as Keras 2 named it.
    /// </summary>
    public IReadOnlyList<string> InputNames => Graph is { } g
        ? g.Inputs.Select(i => i.Layer.Name).ToArray()
        : [this is Sequential { InputLayer: { } il } ? il.Name : Layers.Count > 0 ? $"{Layers[0].Name}_input" : "input"];

    /// <summary>
    /// The names of the model's outputs, in order (Keras's <c>model.output_names</c>): the names of
    /// the layers that give them, made unique as Keras does when one layer gives several outputs
    /// (<c>bidirectional</c>, <c>bidirectional_1</c>). <see cref="PredictOutputs(Tensor, int, int, IEnumerable{Callback})"/>
    /// returns the outputs in this order; <c>graft predict</c> keys its <c>.npz</c> output by these names.
    /// </summary>
    public IReadOnlyList<string> OutputNames
    {
        get
        {
            var layers = Graph is { } g ? g.Outputs.Select(o => o.Layer.Name) : [Layers.Count > 0 ? Layers[^1].Name : Name];
            // tf.keras's Network._set_output_names: the layer's name, then name_1, name_2, … until unused.
            var names = new List<string>();
            var taken = new HashSet<string>();
            var next = new Dictionary<string, int>();
            foreach (var name in layers)
            {
                string proposal = name;
                while (taken.Contains(proposal))
                {
                    int k = next.GetValueOrDefault(name, 1);
                    proposal = $"{name}_{k}";
                    next[name] = k + 1;
                }
                taken.Add(proposal);
                names.Add(proposal);
            }
            return names;
        }
    }

    internal int InputCount => Graph?.Inputs.Length ?? 1;

    internal int OutputCount => Graph?.Outputs.Length ?? 1;

    /// <summary>
    /// The output for x, computed in inference mode, in batches, without gradients (Keras's
    /// <c>model.predict(x)</c>), for a model with one input and one output. A model that builds
    /// on first use is built for x's shape.
    /// </summary>
    /// <param name="x">Inputs, samples along the first axis.</param>
    /// <param name="batchSize">Samples per forward pass (default 32); the result does not depend on it.</param>
    /// <returns>The output, as many samples as x.</returns>
    /// <remarks>
    /// Thread-safe: several threads may call Predict on one model at once, also before it is
    /// built (the first build happens once). Fit, Evaluate, Compile, SetWeights and changes to the
    /// model (Add, Pop, Trainable) must not run concurrently with Predict or with each other.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The model has several outputs: use <see cref="PredictOutputs(Tensor, int, int, IEnumerable{Callback})"/>.</exception>
    /// <exception cref="ArgumentException">The model has several inputs, x has no samples, or x does not fit the model.</exception>
    /// <param name="verbose">0 silent, 1 a progress bar (Keras's default), 2 one line, written to <see cref="GraftContext.ProgressWriter"/> (nowhere unless set).</param>
    /// <param name="callbacks">Callbacks whose predict hooks (<c>OnPredictBegin</c>, <c>OnPredictBatchEnd</c>, …) see the prediction.</param>
    public Tensor Predict(Tensor x, int batchSize = 32, int verbose = 1, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        return Predict([x], batchSize, verbose, callbacks);
    }

    /// <summary>
    /// The output for a model with several inputs and one output (Keras's <c>model.predict([x1, x2])</c>).
    /// Thread-safe as <see cref="Predict(Tensor, int, int, IEnumerable{Callback})"/>.
    /// </summary>
    /// <param name="inputs">One tensor per input, in the order of <see cref="InputNames"/>, all with the same number of samples.</param>
    /// <param name="batchSize">Samples per forward pass (default 32).</param>
    /// <exception cref="InvalidOperationException">The model has several outputs: use <see cref="PredictOutputs(IReadOnlyList{Tensor}, int, int, IEnumerable{Callback})"/>.</exception>
    /// <exception cref="ArgumentException">The number of tensors differs from the model's inputs, or their sample counts differ.</exception>
    /// <param name="verbose">0 silent, 1 a progress bar (Keras's default), 2 one line, written to <see cref="GraftContext.ProgressWriter"/> (nowhere unless set).</param>
    /// <param name="callbacks">Callbacks whose predict hooks (<c>OnPredictBegin</c>, <c>OnPredictBatchEnd</c>, …) see the prediction.</param>
    public Tensor Predict(IReadOnlyList<Tensor> inputs, int batchSize = 32, int verbose = 1, IEnumerable<Callback>? callbacks = null)
    {
        if (OutputCount != 1)
            throw new InvalidOperationException($"{Describe()}.Predict: expected a model with one output, got {OutputCount} ({string.Join(", ", OutputNames)}). "
                + "Call PredictOutputs, which returns every output, in the order of OutputNames.");
        return PredictOutputs(inputs, batchSize, verbose, callbacks)[0];
    }

    /// <summary>
    /// The output for inputs given by name (Keras's <c>model.predict({"a": xa, "b": xb})</c>), for a
    /// model with one output. Thread-safe as <see cref="Predict(Tensor, int, int, IEnumerable{Callback})"/>.
    /// </summary>
    /// <param name="inputs">One tensor per name in <see cref="InputNames"/>.</param>
    /// <param name="batchSize">Samples per forward pass (default 32).</param>
    /// <exception cref="InvalidOperationException">The model has several outputs: use <see cref="PredictOutputs(IReadOnlyDictionary{string, Tensor}, int, int, IEnumerable{Callback})"/>.</exception>
    /// <exception cref="ArgumentException">The names differ from <see cref="InputNames"/>.</exception>
    /// <param name="verbose">0 silent, 1 a progress bar (Keras's default), 2 one line, written to <see cref="GraftContext.ProgressWriter"/> (nowhere unless set).</param>
    /// <param name="callbacks">Callbacks whose predict hooks (<c>OnPredictBegin</c>, <c>OnPredictBatchEnd</c>, …) see the prediction.</param>
    public Tensor Predict(IReadOnlyDictionary<string, Tensor> inputs, int batchSize = 32, int verbose = 1, IEnumerable<Callback>? callbacks = null) =>
        Predict(ByName(inputs, "Predict"), batchSize, verbose, callbacks);

    /// <summary>
    /// Every output of the model for x, in the order of <see cref="OutputNames"/> (Keras's
    /// <c>model.predict(x)</c>, which returns a list for a model with several outputs), for a model
    /// with one input. Thread-safe as <see cref="Predict(Tensor, int, int, IEnumerable{Callback})"/>.
    /// </summary>
    /// <param name="x">Inputs, samples along the first axis.</param>
    /// <param name="batchSize">Samples per forward pass (default 32).</param>
    /// <returns>One tensor per output, each with as many samples as x.</returns>
    /// <exception cref="ArgumentException">The model has several inputs, or x has no samples.</exception>
    /// <param name="verbose">0 silent, 1 a progress bar (Keras's default), 2 one line, written to <see cref="GraftContext.ProgressWriter"/> (nowhere unless set).</param>
    /// <param name="callbacks">Callbacks whose predict hooks (<c>OnPredictBegin</c>, <c>OnPredictBatchEnd</c>, …) see the prediction.</param>
    public IReadOnlyList<Tensor> PredictOutputs(Tensor x, int batchSize = 32, int verbose = 1, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        return PredictOutputs([x], batchSize, verbose, callbacks);
    }

    /// <summary>
    /// Every output for several inputs (Keras's <c>model.predict([x1, x2])</c>), in the order of
    /// <see cref="OutputNames"/>. Thread-safe as <see cref="Predict(Tensor, int, int, IEnumerable{Callback})"/>.
    /// </summary>
    /// <param name="inputs">One tensor per input, in the order of <see cref="InputNames"/>, all with the same number of samples.</param>
    /// <param name="batchSize">Samples per forward pass (default 32).</param>
    /// <returns>One tensor per output.</returns>
    /// <exception cref="ArgumentException">The number of tensors differs from the model's inputs, or their sample counts differ.</exception>
    /// <param name="verbose">0 silent, 1 a progress bar (Keras's default), 2 one line, written to <see cref="GraftContext.ProgressWriter"/> (nowhere unless set).</param>
    /// <param name="callbacks">Callbacks whose predict hooks (<c>OnPredictBegin</c>, <c>OnPredictBatchEnd</c>, …) see the prediction.</param>
    public IReadOnlyList<Tensor> PredictOutputs(IReadOnlyList<Tensor> inputs, int batchSize = 32, int verbose = 1, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != InputCount)
            throw new ArgumentException(InputCount == 1
                ? $"{Describe()}.Predict: expected one input tensor, got {inputs.Count}."
                : $"{Describe()}.Predict: expected {InputCount} input tensors ({string.Join(", ", InputNames)}), got {inputs.Count}. "
                  + "Pass one tensor per input, in the order of InputNames, or a dictionary keyed by input name.");
        return Predictor.Run(this, inputs, batchSize, $"{Describe()}.Predict", callbacks, verbose);
    }

    /// <summary>
    /// Every output for inputs given by name (Keras's <c>model.predict({"a": xa, "b": xb})</c>), in
    /// the order of <see cref="OutputNames"/>. Thread-safe as <see cref="Predict(Tensor, int, int, IEnumerable{Callback})"/>.
    /// </summary>
    /// <param name="inputs">One tensor per name in <see cref="InputNames"/>.</param>
    /// <param name="batchSize">Samples per forward pass (default 32).</param>
    /// <exception cref="ArgumentException">The names differ from <see cref="InputNames"/>.</exception>
    /// <param name="verbose">0 silent, 1 a progress bar (Keras's default), 2 one line, written to <see cref="GraftContext.ProgressWriter"/> (nowhere unless set).</param>
    /// <param name="callbacks">Callbacks whose predict hooks (<c>OnPredictBegin</c>, <c>OnPredictBatchEnd</c>, …) see the prediction.</param>
    public IReadOnlyList<Tensor> PredictOutputs(IReadOnlyDictionary<string, Tensor> inputs, int batchSize = 32, int verbose = 1, IEnumerable<Callback>? callbacks = null) =>
        PredictOutputs(ByName(inputs, "PredictOutputs"), batchSize, verbose, callbacks);

    /// <summary>
    /// The output for every batch of a dataset of inputs, concatenated (Keras's <c>model.predict(dataset)</c>),
    /// for a model with one input and one output. Thread-safe as <see cref="Predict(Tensor, int, int, IEnumerable{Callback})"/>.
    /// </summary>
    /// <param name="dataset">Batches of inputs, e.g. <c>Dataset.FromTensorSlices(x).Batch(64)</c>.</param>
    /// <exception cref="InvalidOperationException">The model has several outputs: use <see cref="PredictOutputs(Dataset{Tensor[]}, int, IEnumerable{Callback})"/>.</exception>
    /// <exception cref="ArgumentException">The dataset is empty, or its batches do not fit the model.</exception>
    /// <param name="verbose">0 silent, 1 a progress bar (Keras's default), 2 one line, written to <see cref="GraftContext.ProgressWriter"/> (nowhere unless set).</param>
    /// <param name="callbacks">Callbacks whose predict hooks (<c>OnPredictBegin</c>, <c>OnPredictBatchEnd</c>, …) see the prediction.</param>
    public Tensor Predict(Dataset<Tensor> dataset, int verbose = 1, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (OutputCount != 1)
            throw new InvalidOperationException($"{Describe()}.Predict: expected a model with one output, got {OutputCount} ({string.Join(", ", OutputNames)}). "
                + "Call PredictOutputs, which returns every output, in the order of OutputNames.");
        return Predictor.Run(this, dataset.Select(x => new[] { x }), $"{Describe()}.Predict", callbacks, verbose)[0];
    }

    /// <summary>
    /// The output for the inputs of a dataset of <c>(x, y)</c> batches; the targets are ignored (Keras's
    /// <c>predict</c> on a labelled dataset, such as <c>ImageDataset.FromDirectory</c>'s).
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has several outputs.</exception>
    /// <param name="dataset">Batches of inputs.</param>
    /// <param name="verbose">0 silent, 1 a progress bar (Keras's default), 2 one line, written to <see cref="GraftContext.ProgressWriter"/> (nowhere unless set).</param>
    /// <param name="callbacks">Callbacks whose predict hooks (<c>OnPredictBegin</c>, <c>OnPredictBatchEnd</c>, …) see the prediction.</param>
    public Tensor Predict(Dataset<(Tensor X, Tensor Y)> dataset, int verbose = 1, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Predict(dataset.Map(e => e.X), verbose, callbacks);
    }

    /// <summary>
    /// Every output for a dataset of input batches (one tensor per input in each element), in the order
    /// of <see cref="OutputNames"/>. Thread-safe as <see cref="Predict(Tensor, int, int, IEnumerable{Callback})"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The dataset is empty, or its batches do not fit the model.</exception>
    /// <param name="dataset">Batches of inputs.</param>
    /// <param name="verbose">0 silent, 1 a progress bar (Keras's default), 2 one line, written to <see cref="GraftContext.ProgressWriter"/> (nowhere unless set).</param>
    /// <param name="callbacks">Callbacks whose predict hooks (<c>OnPredictBegin</c>, <c>OnPredictBatchEnd</c>, …) see the prediction.</param>
    public IReadOnlyList<Tensor> PredictOutputs(Dataset<Tensor[]> dataset, int verbose = 1, IEnumerable<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Predictor.Run(this, dataset, $"{Describe()}.PredictOutputs", callbacks, verbose);
    }

    private Tensor[] ByName(IReadOnlyDictionary<string, Tensor> inputs, string method)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var names = InputNames;
        if (inputs.Count != names.Count || names.Any(n => !inputs.ContainsKey(n)))
            throw new ArgumentException($"{Describe()}.{method}: expected inputs named ({string.Join(", ", names)}), got ({string.Join(", ", inputs.Keys)}).");
        return names.Select(n => inputs[n]).ToArray();
    }
}
