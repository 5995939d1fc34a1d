using Graft.Saving;

namespace Graft.Models;

public partial class Model
{
    /// <summary>
    /// Loads a model that Keras (1, 2, tf.keras 2.x or 3) saved: legacy HDF5 (<c>.h5</c>, <c>.hdf5</c>)
    /// or the Keras 3 <c>.keras</c> zip, chosen by the file's content (Keras's <c>load_model</c>).
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="compile">Restore loss, optimizer and metrics from the file's training config, as Keras does,
    /// and the optimizer's state (iteration count, learning rate, slots) when the file holds it for that optimizer
    /// in Keras's layout; otherwise the optimizer starts fresh (<c>Optimizer.Iterations</c> is 0), as in Keras.</param>
    /// <exception cref="ModelFormatException">The file is malformed; the message names the file and the object path.</exception>
    /// <exception cref="NotSupportedException">The file uses a layer or model class Graft lacks; the message names it.</exception>
    public static Model Load(string path, bool compile = true) => KerasFormat.Detect(path) switch
    {
        KerasFormat.Kind.Zip => KerasZipFormat.Load(path, compile),
        _ => KerasH5Format.Load(path, compile),
    };

    /// <summary>Builds a model (fresh weights) from <c>model.to_json()</c> output (Keras's <c>model_from_json</c>).</summary>
    public static Model FromJson(string json) => ModelConfig.Build(ModelConfig.Parse(json, "Model.FromJson"), "Model.FromJson");

    /// <summary>The model's architecture as Keras's JSON (<c>model.to_json()</c>).</summary>
    public string ToJson() => ModelConfig.Serialize(this).ToJsonString();

    /// <summary>
    /// Saves the model (Keras's <c>model.save</c>): <c>.keras</c> writes the Keras 3 zip, <c>.h5</c> /
    /// <c>.hdf5</c> the legacy HDF5 layout. The file is written beside the target and renamed into
    /// place, so a failure never destroys a previous file.
    /// </summary>
    /// <exception cref="ArgumentException">The extension is neither .keras nor .h5/.hdf5.</exception>
    public void Save(string path)
    {
        if (!Built) throw new InvalidOperationException($"{Describe()}.Save: expected a built model (weights created), got an unbuilt one. Give the first layer an input shape, or call Build or Predict once.");
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".keras": KerasZipFormat.Save(this, path); break;
            case ".h5" or ".hdf5": KerasH5Format.Save(this, path, includeModel: true); break;
            default: throw new ArgumentException($"{Describe()}.Save: expected a path ending in .keras, .h5 or .hdf5, got '{path}'.");
        }
    }

    /// <summary>Saves only the weights in Keras's legacy HDF5 layout (<c>save_weights</c>).</summary>
    public void SaveWeights(string path)
    {
        if (!Built) throw new InvalidOperationException($"{Describe()}.SaveWeights: expected a built model (weights created), got an unbuilt one. Call Build or Predict once.");
        KerasH5Format.Save(this, path, includeModel: false);
    }

    /// <summary>
    /// Loads weights saved by <c>save_weights</c> (or the weights of a full <c>.h5</c> model): by layer
    /// position as Keras does, or by layer name for transfer into a model with a different head.
    /// </summary>
    /// <param name="path">The HDF5 file.</param>
    /// <param name="byName">Match layers by name; layers absent from the file keep their weights.</param>
    /// <param name="skipMismatch">With <paramref name="byName"/>, skip (with a warning) layers whose weight shapes differ.</param>
    public void LoadWeights(string path, bool byName = false, bool skipMismatch = false)
    {
        if (KerasFormat.Detect(path) == KerasFormat.Kind.Zip)
            throw new ArgumentException($"{Describe()}.LoadWeights: expected an HDF5 weights file, got a .keras archive {path}; use Model.Load.");
        KerasH5Format.LoadWeightsFile(this, path, byName, skipMismatch);
    }
}
